/**
 * Legal holds over HTTP (issue 10, contract: keep the paths and bodies):
 *   POST   /records/:id/hold     {"reason", "reference"}   an archivist ('holds:place') holds a record
 *   DELETE /records/:id/hold     {"reason"}                the archive lead ('holds:lift') lifts the record's own holds
 *   POST   /dossiers/:code/hold, DELETE /dossiers/:code/hold   the same for a dossier (its archival file)
 *   POST   /holds {"records": [ids], "reason", "reference"}   a result set; DELETE /holds/:id {"reason"} lifts one hold
 *   GET    /records/:id/holds    the holds covering a record
 */
import express, { type Response } from 'express';
import { AppError, isDossierCode, isUuid, parseInput, type Caller, type Db, type ObjectStore } from '@sohoa/shared';
import { legalHolds as holds } from '@sohoa/archive-api';
import { LiftHold, PlaceHold, PlaceSetHold } from './holds.contract.ts';

const caller = (res: Response) => res.locals.caller as Caller;

function recordId(value: string): string {
  if (!isUuid(value)) throw new AppError('not-found', 'record not found', 404);
  return value;
}
function dossierCode(value: string): string {
  const code = value.toUpperCase();
  if (!isDossierCode(code)) throw new AppError('not-found', 'dossier not found', 404);
  return code;
}

/** Mounted under /api/v1 after a JSON body parser. */
export function holdRoutes(deps: { db: Db; store: ObjectStore }): express.Router {
  const r = express.Router();
  r.post('/records/:id/hold', async (req, res) => {
    res.status(201).json(await holds.placeRecordHold(deps, caller(res), recordId(req.params.id), parseInput(PlaceHold, { ...req.body })));
  });
  r.delete('/records/:id/hold', async (req, res) => {
    const { reason } = parseInput(LiftHold, { ...req.body });
    res.json(await holds.liftRecordHold(deps, caller(res), recordId(req.params.id), reason));
  });
  r.get('/records/:id/holds', async (req, res) => {
    res.json({ holds: await holds.holdsOfRecord(deps.db, caller(res), recordId(req.params.id)) });
  });
  r.post('/dossiers/:code/hold', async (req, res) => {
    res.status(201).json(await holds.placeDossierHold(deps, caller(res), dossierCode(req.params.code), parseInput(PlaceHold, { ...req.body })));
  });
  r.delete('/dossiers/:code/hold', async (req, res) => {
    const { reason } = parseInput(LiftHold, { ...req.body });
    res.json(await holds.liftDossierHold(deps, caller(res), dossierCode(req.params.code), reason));
  });
  r.post('/holds', async (req, res) => {
    const { records, ...o } = parseInput(PlaceSetHold, { ...req.body });
    res.status(201).json(await holds.placeSetHold(deps, caller(res), records, o));
  });
  r.delete('/holds/:id', async (req, res) => {
    if (!isUuid(req.params.id)) throw new AppError('not-found', 'no active hold with that id', 404);
    const { reason } = parseInput(LiftHold, { ...req.body });
    res.json(await holds.liftHoldById(deps, caller(res), req.params.id, reason));
  });
  return r;
}
