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
import { z } from 'zod';
import { AppError, actorOf, catalogCodeInput, isUuid, jsonDepthGuard, optional, parseInput, textInput, unitCodeInput, unitFilter, type Caller, type Db } from '@sohoa/shared';
import { deleteSavedSearch, saveSearch, savedSearches, searchRecords } from '@sohoa/archive-api';
import { actingFor, auditRead } from './acting.ts';

const caller = (res: Response) => res.locals.caller as Caller;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD').refine((d) => !Number.isNaN(Date.parse(d)), 'not a date');
const yesNo = z.enum(['true', 'false'], { error: 'true or false' }).transform((v) => v === 'true');

/** The search parameters, as a query string gives them (and as a saved search keeps them). */
export const SearchQuery = z.object({
  q: optional(textInput(500)),
  unit: optional(unitCodeInput),
  procedure: optional(catalogCodeInput),
  component: optional(catalogCodeInput),
  owner: optional(z.string().regex(/^[0-9A-Za-z]{6,20}$/, 'an identification number')),
  from: optional(day),
  to: optional(day),
  retention: optional(z.union([z.literal('permanent'), z.string().regex(/^\d{1,3}$/, "'permanent' or a number of years").transform(Number)])),
  onHold: optional(yesNo),
  dueForDisposition: optional(yesNo),
  sort: optional(z.enum(['relevance', 'date'], { error: 'relevance or date' })),
  limit: optional(z.string().regex(/^\d{1,3}$/, 'a number from 1 to 100').transform(Number).refine((n) => n >= 1 && n <= 100, 'a number from 1 to 100')),
  cursor: optional(z.string().max(500).regex(/^[A-Za-z0-9_-]+$/, 'a cursor from a previous answer')),
});
const SaveSearch = z.object({
  name: textInput(200).refine((s) => s.trim().length > 0, 'a name'),
  query: z.record(z.string(), z.string().max(500), { error: 'the search parameters, as strings' }),
});

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
