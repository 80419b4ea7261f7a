/**
 * The audit trail over HTTP (permission audit:read):
 *   GET  /audit?subject=&subjectType=&actor=&from=&to=&cursor=&limit=   events newest first, limited to the caller's units
 *   GET  /audit/verify                                                  the hash chain checked: intact or the first bad row
 *   POST /audit/heads                                                   writes the chain's end to the object store now
 */
import express from 'express';
import { AppError, parseInput, unitFilter, unitsWhere, type Caller, type Db, type ObjectStore } from '@sohoa/shared';
import { BadCursor, listAuditEvents, verifyAuditTrail, writeAuditHead } from '@sohoa/archive-api';
import { auditListQuery } from './audit.contract.ts';

export interface AuditRoutesDeps { db: Db; store: ObjectStore }

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
