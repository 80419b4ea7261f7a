/** What the search and saved-search routes (search.routes.ts) take and answer. */
import { z } from 'zod';
import { CATALOG_CODE_RULE, catalogCodeInput, optional, textInput, UNIT_CODE_RULE, unitCodeInput } from '@sohoa/shared';
import { isoDate, isoTime, route, uuid } from './openapi/contract.ts';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD').refine((d) => !Number.isNaN(Date.parse(d)), 'not a date');
const yesNo = z.enum(['true', 'false'], { error: 'true or false' }).transform((v) => v === 'true');

/** The search parameters, as a query string gives them (and as a saved search keeps them). */
export const SearchQuery = z.object({
  q: optional(textInput(500)).meta({ description: 'words, with or without Vietnamese diacritics' }),
  unit: optional(unitCodeInput).meta({ description: `only this unit's records. ${UNIT_CODE_RULE}` }),
  procedure: optional(catalogCodeInput).meta({ description: CATALOG_CODE_RULE }),
  component: optional(catalogCodeInput).meta({ description: CATALOG_CODE_RULE }),
  owner: optional(z.string().regex(/^[0-9A-Za-z]{6,20}$/, 'an identification number')).meta({ description: 'the owner\'s identification number' }),
  from: optional(day).meta({ description: 'archived on or after this day' }),
  to: optional(day).meta({ description: 'archived on or before this day' }),
  retention: optional(z.union([z.literal('permanent'), z.string().regex(/^\d{1,3}$/, "'permanent' or a number of years").transform(Number)]))
    .meta({ description: '`permanent` or a number of years' }),
  onHold: optional(yesNo), dueForDisposition: optional(yesNo),
  sort: optional(z.enum(['relevance', 'date'], { error: 'relevance or date' })).meta({ description: 'relevance (with q; the default then) or date, newest first' }),
  limit: optional(z.string().regex(/^\d{1,3}$/, 'a number from 1 to 100').transform(Number).refine((n) => n >= 1 && n <= 100, 'a number from 1 to 100'))
    .meta({ description: 'results a page, 1 to 100' }),
  cursor: optional(z.string().max(500).regex(/^[A-Za-z0-9_-]+$/, 'a cursor from a previous answer')).meta({ description: 'the `next` of the page before' }),
});
export const SaveSearch = z.object({
  name: textInput(200).refine((s) => s.trim().length > 0, 'a name').meta({ description: 'saving under a name already used replaces that search' }),
  query: z.record(z.string(), z.string().max(500), { error: 'the search parameters, as strings' }).meta({ description: 'the parameters of GET /records' }),
});

const FacetCount = z.strictObject({ value: z.string(), count: z.number().int() });
const SearchResult = z.strictObject({
  items: z.array(z.strictObject({
    id: uuid(), title: z.string().nullable(), dossier: z.string().nullable().meta({ description: 'null for a disposition minute' }),
    component: z.string().nullable(), unit: z.string(), retainUntil: isoDate().nullable().meta({ description: 'null: permanent' }), onHold: z.boolean(),
    snippets: z.array(z.strictObject({ page: z.number().int(), text: z.string().meta({ description: 'the page text, HTML-escaped, the words found in <mark>' }) }))
      .meta({ description: 'up to three pages where the words are' }),
  })),
  facets: z.strictObject({
    unit: z.array(FacetCount), procedure: z.array(FacetCount), component: z.array(FacetCount), year: z.array(FacetCount),
    counted: z.number().int().meta({ description: 'how many matches the counts cover' }),
    complete: z.boolean().meta({ description: 'false: the counts cover the first `counted` matches only' }),
  }),
  next: z.string().nullable().meta({ description: 'the cursor of the next page; null on the last' }),
}).meta({ id: 'SearchResult' });

const SavedSearch = z.strictObject({ id: uuid(), name: z.string(), query: z.record(z.string(), z.unknown()), createdAt: isoTime() }).meta({ id: 'SavedSearch' });
const SavedSearchList = z.strictObject({ searches: z.array(SavedSearch) }).meta({ id: 'SavedSearchList' });

const readers = 'who reads records (records:read); only the records of their units are searched';

export const searchContract = [
  route({
    method: 'get', path: '/api/v1/records', tag: 'search', access: 'caller', who: readers, query: SearchQuery,
    summary: 'Search records: full text (with or without diacritics) and filters, with facet counts',
    responses: { 200: { description: 'a page of results', json: SearchResult } },
    errors: { 400: '`invalid-input`: a cursor that cannot be read', 403: '`forbidden`', 422: '`invalid-input` (see `fields`)' },
  }),
  route({
    method: 'get', path: '/api/v1/saved-searches', tag: 'search', access: 'caller', summary: 'The caller\'s own saved searches',
    responses: { 200: { description: 'by name', json: SavedSearchList } },
  }),
  route({
    method: 'post', path: '/api/v1/saved-searches', tag: 'search', access: 'caller', who: readers, summary: 'Save a search under a name',
    body: { json: SaveSearch, required: true }, responses: { 201: { description: 'the saved search', json: SavedSearch } },
    errors: { 403: '`forbidden`', 422: '`invalid-input`: the name, or a search parameter (see `fields`)' },
  }),
  route({
    method: 'delete', path: '/api/v1/saved-searches/:id', tag: 'search', access: 'caller', params: { id: 'the saved search id' },
    summary: 'Delete one of the caller\'s saved searches', responses: { 204: { description: 'deleted' } },
    errors: { 404: '`not-found` (also another person\'s)' },
  }),
];
