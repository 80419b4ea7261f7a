/**
 * Units, people and keys (admin everywhere; unit-admin for their unit and the units below it):
 *   GET  /units                         the tree, limited to the units the caller reaches
 *   POST /units                         {code, name, parent?, kind?} (admin)
 *   POST /units/import                  a JSON array or CSV (text/csv) of code,name,parent[,kind] (admin); all or nothing
 *   GET  /people[?unit=CODE]            people of the units the caller manages
 *   POST /people                        {username, displayName?, unit, roles: [{role, unit?}]} → the person and a
 *                                       generated password, shown once
 *   GET  /people/:id
 *   POST /people/:id/disable | /reset-password (→ a new generated password, shown once)
 *   POST /people/:id/roles {role, unit?} grants; POST /people/:id/roles/revoke {role, unit?} takes back
 *   GET  /keys                          keys owned by the units the caller manages
 *   POST /keys                          {name, units: [CODE], scopes: [SCOPE], owner?, expiresAt?} → the key, shown once
 *   POST /keys/:id/revoke
 */
import express, { type Response } from 'express';
import { AppError, isUuid, jsonDepthGuard, parseInput, type Caller, type Db } from '@sohoa/shared';
import { apiKeys, people, units } from '../accounts/index.ts';
import { NewKey, NewPerson, NewUnit, PeopleQuery, RoleAt } from './accounts.contract.ts';
import type { CallerCache } from './caller-cache.ts';

const caller = (res: Response) => res.locals.caller as Caller;
const idParam = (value: unknown, what: string): string => {
  if (!isUuid(value)) throw new AppError('not-found', `${what} not found`, 404);
  return value;
};

export function accountRoutes(deps: { db: Db; callers?: CallerCache }): express.Router {
  const r = express.Router();
  const json = express.json({ limit: '5mb', verify: jsonDepthGuard() });
  const { db } = deps;
  // Who a bearer is (its key, its units, the tree under them) may have changed: every cached caller is checked again
  // on its next request. Called after the change is committed and before the answer, so the next request sees it.
  const changed = () => deps.callers?.forgetAll();

  r.get('/units', async (_req, res) => {
    res.json({ units: await units.unitsVisibleTo(db, caller(res)) });
  });
  r.post('/units', json, async (req, res) => {
    const body = parseInput(NewUnit, { ...req.body });
    const added = await units.addUnit(db, caller(res), body);
    changed();
    res.status(201).json(added);
  });
  r.post('/units/import', json, express.text({ type: ['text/csv', 'text/plain'], limit: '5mb' }), async (req, res) => {
    const csv = typeof req.body === 'string';
    if (!csv && !Array.isArray(req.body)) throw new AppError('invalid-unit-list', 'send a JSON array of {"code", "name", "parent"?} or text/csv with a header line code,name,parent', 422);
    const imported = await units.importUnits(db, caller(res), csv ? req.body : JSON.stringify(req.body), csv ? 'csv' : 'json');
    changed();
    res.json(imported);
  });

  r.get('/people', async (req, res) => {
    const { unit } = parseInput(PeopleQuery, { ...req.query });
    res.json({ people: await people.listPeople(db, caller(res), unit) });
  });
  r.post('/people', json, async (req, res) => {
    const body = parseInput(NewPerson, { ...req.body });
    const created = await people.createPerson(db, caller(res), {
      username: body.username.trim(), displayName: body.displayName, unitCode: body.unit ?? null,
      roles: body.roles.map((x) => ({ role: x.role, unitCode: x.unit ?? null })),
    });
    res.status(201).json(created);
  });
  r.get('/people/:id', async (req, res) => {
    res.json(await people.getPerson(db, caller(res), idParam(req.params.id, 'person')));
  });
  r.post('/people/:id/disable', async (req, res) => {
    const disabled = await people.disablePerson(db, caller(res), idParam(req.params.id, 'person'));
    changed();
    res.json(disabled);
  });
  r.post('/people/:id/reset-password', async (req, res) => {
    res.json(await people.resetPassword(db, caller(res), idParam(req.params.id, 'person')));
  });
  r.post('/people/:id/roles', json, async (req, res) => {
    const { role, unit } = parseInput(RoleAt, { ...req.body });
    const granted = await people.grantRole(db, caller(res), idParam(req.params.id, 'person'), role, unit ?? null);
    changed();
    res.json(granted);
  });
  r.post('/people/:id/roles/revoke', json, async (req, res) => {
    const { role, unit } = parseInput(RoleAt, { ...req.body });
    const revoked = await people.revokeRole(db, caller(res), idParam(req.params.id, 'person'), role, unit ?? null);
    changed();
    res.json(revoked);
  });

  r.get('/keys', async (_req, res) => {
    res.json({ keys: await apiKeys.listKeys(db, caller(res)) });
  });
  r.post('/keys', json, async (req, res) => {
    const body = parseInput(NewKey, { ...req.body });
    const created = await apiKeys.createKey(db, caller(res), {
      name: body.name, unitCodes: body.units, scopes: body.scopes, ownerUnitCode: body.owner, expiresAt: body.expiresAt ? new Date(body.expiresAt) : null,
    });
    res.status(201).json(created);
  });
  r.post('/keys/:id/revoke', async (req, res) => {
    const revoked = await apiKeys.revokeKey(db, caller(res), idParam(req.params.id, 'key'));
    changed(); // revoked here, it stops here at once; elsewhere within AUTH_CACHE_SECONDS
    res.json(revoked);
  });
  return r;
}
