/**
 * The audit trail over HTTP (permission audit:read):
 *   GET  /audit?subject=&subjectType=&actor=&from=&to=&cursor=&limit=   events newest first, limited to the caller's units
 *   GET  /audit/verify                                                  the hash chain checked: intact or the first bad row
 *   POST /audit/heads                                                   writes the chain's end to the object store now
 */
import express from 'express';
import { z } from 'zod';
import { AppError, optional, parseInput, textInput, unitFilter, unitsWhere, type Caller, type Db, type ObjectStore } from '@sohoa/shared';
import { BadCursor, listAuditEvents, verifyAuditTrail, writeAuditHead } from '@sohoa/archive-api';

export interface AuditRoutesDeps { db: Db; store: ObjectStore }

const instant = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'an ISO 8601 date or time').transform((v) => new Date(v));

export const auditListQuery = z.object({
  subject: optional(textInput(200)),
  subjectType: optional(textInput(40)),
  actor: optional(textInput(200)),
  from: optional(instant),
  to: optional(instant),
  cursor: optional(textInput(100)),
  limit: optional(z.coerce.number().int().min(1).max(500)),
});

/** Mounted under /api/v1 behind authentication. */
export function auditRoutes(deps: AuditRoutesDeps): express.Router {
  const r = express.Router();
  const caller = (res: express.Response) => res.locals.caller as Caller;

  r.get('/audit', async (req, res) => {
    const q = parseInput(auditListQuery, req.query);
    // An auditor sees the events of the units where it holds audit:read; events of no unit only the admin sees.
    const units = unitFilter(caller(res), 'audit:read');
    try {
      res.json(await listAuditEvents(deps.db, { ...q, units }));
    } catch (err) {
      if (err instanceof BadCursor) throw new AppError('invalid-input', `cursor: ${err.message}`, 422);
      throw err;
    }
  });

  r.get('/audit/verify', async (_req, res) => {
    unitsWhere(caller(res), 'audit:read');
    res.json(await verifyAuditTrail(deps));
  });

  r.post('/audit/heads', async (_req, res) => {
    unitsWhere(caller(res), 'audit:read');
    res.json(await writeAuditHead(deps));
  });

  return r;
}
