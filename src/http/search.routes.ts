/**
 * Finding records, and the searches a person keeps:
 *   GET    /records?q=&unit=&procedure=&component=&owner=&from=&to=&retention=&onHold=&dueForDisposition=&sort=&limit=&cursor=
 *   GET    /saved-searches             the caller's own
 *   POST   /saved-searches             {"name", "query": {…the parameters above…}}
 *   DELETE /saved-searches/:id
 * Only records of the units where the caller holds records:read are ever searched. A result page shows content
 * (titles, owners, snippets of the pages), so each search is in the audit trail with its query and what it showed.
 */
import { createHash } from 'node:crypto';
import express, { type Response } from 'express';
import { AppError, actorOf, isUuid, jsonDepthGuard, parseInput, unitFilter, type Caller, type Db } from '@sohoa/shared';
import { deleteSavedSearch, saveSearch, savedSearches, searchRecords } from '@sohoa/archive-api';
import { SaveSearch, SearchQuery } from './search.contract.ts';
import { actingFor, auditRead } from './acting.ts';

const caller = (res: Response) => res.locals.caller as Caller;

export function searchRoutes(deps: { db: Db }): express.Router {
  const r = express.Router();
  const json = express.json({ limit: '64kb', verify: jsonDepthGuard() });

  r.get('/records', async (req, res) => {
    const by = actingFor(req, res, 'records:read');
    const query = parseInput(SearchQuery, { ...req.query });
    let result;
    try {
      result = await searchRecords(deps.db, { ...query, units: by.units });
    } catch (err) {
      if (err instanceof RangeError) throw new AppError('invalid-input', `cursor: ${err.message}`, 400);
      throw err;
    }
    await auditRead(deps.db, by, {
      action: 'records.searched', subjectType: 'search', subjectId: searchKey(query), unitId: caller(res).unitId,
      detail: { query, records: result.items.map((i) => i.id) },
    });
    res.json(result);
  });

  r.get('/saved-searches', async (_req, res) => {
    res.json({ searches: await savedSearches(deps.db, actorOf(caller(res))) });
  });

  r.post('/saved-searches', json, async (req, res) => {
    unitFilter(caller(res), 'records:read'); // only someone who may search keeps searches
    const { name, query } = parseInput(SaveSearch, req.body ?? {});
    parseInput(SearchQuery, query); // checked now, so running it later cannot fail on its input
    res.status(201).json(await saveSearch(deps.db, actorOf(caller(res)), name.trim(), stripCursor(query)));
  });

  r.delete('/saved-searches/:id', async (req, res) => {
    const id = req.params.id;
    if (!isUuid(id) || !(await deleteSavedSearch(deps.db, actorOf(caller(res)), id))) throw new AppError('not-found', 'saved search not found', 404);
    res.status(204).end();
  });

  return r;
}

/** The same search (its parameters, the page aside) is one subject in the trail, whoever runs it. */
function searchKey(query: Record<string, unknown>): string {
  const { cursor: _cursor, ...rest } = query;
  const canonical = JSON.stringify(Object.keys(rest).sort().map((k) => [k, rest[k]]));
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}

/** A saved search starts at the first page. */
function stripCursor(query: Record<string, string>): Record<string, string> {
  const { cursor: _cursor, ...rest } = query;
  return rest;
}
