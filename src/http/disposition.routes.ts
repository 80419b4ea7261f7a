/**
 * Disposition over HTTP:
 *   GET  /disposition/due                         records due (nightly scan), for the proposer ('disposition:propose')
 *   POST /disposition/lists {"records", "note"?}  an archivist proposes a list (one unit's records)
 *   GET  /disposition/lists?status=proposed       the lists of the caller's units (awaiting approval, decided, carried out)
 *   GET  /disposition/lists/:id                   the list, its decisions and outcomes, its minute's record id
 *   POST /disposition/lists/:id/approve {"reason"?, "keep"?: [{"record", "reviewAfter", "reason"?}]}   archive lead, not the proposer
 *   POST /disposition/lists/:id/reject  {"reason", "reviewAfter"}                                       archive lead, not the proposer
 *   GET  /records/:id/tombstone                    what is left of a disposed record
 */
import express, { type Response } from 'express';
import { AppError, isUuid, parseInput, requirePermission, unitFilter, type Caller, type Db, type Queue } from '@sohoa/shared';
import { disposition, loadRecord } from '@sohoa/archive-api';
import { Approve, ListsQuery, Propose, Reject } from './disposition.contract.ts';

const caller = (res: Response) => res.locals.caller as Caller;

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
  r.get('/disposition/lists', async (req, res) => {
    const { status } = parseInput(ListsQuery, { ...req.query });
    res.json({ items: await disposition.lists(deps.db, caller(res), { status }) });
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
