/**
 * Disposition over HTTP:
 *   GET  /disposition/due                         records due (nightly scan), for the proposer ('disposition:propose')
 *   POST /disposition/lists {"records", "note"?}  an archivist proposes a list (one unit's records)
 *   GET  /disposition/lists/:id                   the list, its decisions and outcomes, its minute's record id
 *   POST /disposition/lists/:id/approve {"reason"?, "keep"?: [{"record", "reviewAfter", "reason"?}]}   archive lead, not the proposer
 *   POST /disposition/lists/:id/reject  {"reason", "reviewAfter"}                                       archive lead, not the proposer
 *   GET  /records/:id/tombstone                    what is left of a disposed record
 */
import express, { type Response } from 'express';
import { z } from 'zod';
import { AppError, isUuid, optional, parseInput, requirePermission, unitFilter, uuidInput, type Caller, type Db, type Queue } from '@sohoa/shared';
import { disposition, loadRecord } from '@sohoa/archive-api';

const caller = (res: Response) => res.locals.caller as Caller;
const date = z.string({ error: 'a date YYYY-MM-DD' }).regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const Propose = z.object({ records: z.array(uuidInput, { error: 'the record ids to dispose of' }).min(1).max(10_000), note: optional(z.string().max(2000)) });
const Approve = z.object({
  reason: optional(z.string().max(2000)),
  keep: optional(z.array(z.object({ record: uuidInput, reviewAfter: date, reason: optional(z.string().max(2000)) })).max(10_000)),
});
const Reject = z.object({ reason: z.string({ error: 'a reason is required' }).trim().min(1, 'a reason is required').max(2000), reviewAfter: date });

function listId(value: string): string {
  if (!isUuid(value)) throw new AppError('not-found', 'disposition list not found', 404);
  return value;
}

export function dispositionRoutes(deps: { db: Db; queue: Queue }): express.Router {
  const r = express.Router();
  r.get('/disposition/due', async (_req, res) => {
    res.json({ items: await disposition.dueRecords(deps.db, caller(res)) });
  });
  r.post('/disposition/lists', async (req, res) => {
    res.status(201).json(await disposition.propose(deps, caller(res), parseInput(Propose, { ...req.body })));
  });
  r.get('/disposition/lists/:id', async (req, res) => {
    res.json(await disposition.listView(deps.db, listId(req.params.id), caller(res)));
  });
  r.post('/disposition/lists/:id/approve', async (req, res) => {
    res.json(await disposition.approve(deps, caller(res), listId(req.params.id), parseInput(Approve, { ...req.body })));
  });
  r.post('/disposition/lists/:id/reject', async (req, res) => {
    res.json(await disposition.reject(deps, caller(res), listId(req.params.id), parseInput(Reject, { ...req.body })));
  });
  r.get('/records/:id/tombstone', async (req, res) => {
    const record = isUuid(req.params.id) ? await loadRecord(deps.db, req.params.id, unitFilter(caller(res), 'records:read')) : null;
    requirePermission(caller(res), 'records:read', record?.unitId ?? null, 'record not found');
    const tombstone = await disposition.tombstoneOf(deps.db, record!.id);
    if (!tombstone) throw new AppError('not-found', 'the record was not disposed of', 404);
    res.json(tombstone);
  });
  return r;
}
