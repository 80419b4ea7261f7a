import type { Queryable } from '@sohoa/shared';
import { decodeCursor, encodeCursor, oneSlipAway, parseQuery, slipCandidates, tsQueries, type Cursor } from './search-query.ts';

/** What narrows a search besides its words. Every filter is optional; `units` is the caller's reach (null: all). */
export interface SearchFilters {
  unit?: string; // unit code
  procedure?: string;
  component?: string;
  owner?: string; // owner identifier, exactly
  from?: string; // archived on or after (YYYY-MM-DD, Vietnam time)
  to?: string; // archived on or before
  retention?: 'permanent' | number; // years
  onHold?: boolean;
  dueForDisposition?: boolean;
}

export interface SearchOptions extends SearchFilters {
  q?: string;
  units: readonly string[] | null;
  sort?: 'relevance' | 'date';
  limit?: number;
  cursor?: string | null;
  /**
   * A ranked search ranks at most this many matches, the newest first (and counts facets over them): a word that
   * is in every record would otherwise rank the whole archive for each page. Date order has no cap.
   */
  candidateCap?: number;
}

export interface SearchItem {
  id: string; title: string; dossier: string; component: string | null; unit: string; retainUntil: string | null; onHold: boolean;
  snippets: { page: number; text: string }[];
}
export interface FacetCount { value: string; count: number }
export interface SearchFacets {
  unit: FacetCount[]; procedure: FacetCount[]; component: FacetCount[]; year: FacetCount[];
  /** How many matches the counts cover, and whether that is all of them (false: the first `counted`, newest first). */
  counted: number; complete: boolean;
}
export interface SearchResult { items: SearchItem[]; facets: SearchFacets; next: string | null }

export const DEFAULT_CANDIDATE_CAP = 1000;
const VIETNAM = `'Asia/Ho_Chi_Minh'`;

class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** The WHERE conditions of the filters (without the words). */
function filterConditions(o: SearchOptions, p: Params): string[] {
  const where: string[] = [];
  if (o.units) where.push(`r.unit_id = ANY(${p.add(o.units)}::uuid[])`);
  if (o.unit) where.push(`r.unit_id = (SELECT id FROM units WHERE code = ${p.add(o.unit)})`);
  if (o.procedure) where.push(`r.procedure_code = ${p.add(o.procedure)}`);
  if (o.component) where.push(`r.component_code = ${p.add(o.component)}`);
  if (o.owner) where.push(`r.owner_identifier = ${p.add(o.owner)}`);
  if (o.from) where.push(`r.created_at >= (${p.add(o.from)}::date)::timestamp AT TIME ZONE ${VIETNAM}`);
  if (o.to) where.push(`r.created_at < (${p.add(o.to)}::date + 1)::timestamp AT TIME ZONE ${VIETNAM}`);
  if (o.retention === 'permanent') where.push('r.retention_years IS NULL');
  else if (typeof o.retention === 'number') where.push(`r.retention_years = ${p.add(o.retention)}`);
  // TODO(retention): legal_hold and retain_until are the records' own columns today; if the retention helper moves
  // holds to a table of their own, these two conditions read it instead.
  if (o.onHold !== undefined) where.push(o.onHold ? 'r.legal_hold' : 'NOT r.legal_hold');
  if (o.dueForDisposition !== undefined) {
    const due = `(r.retain_until IS NOT NULL AND r.retain_until < (now() AT TIME ZONE ${VIETNAM})::date AND NOT r.legal_hold)`;
    where.push(o.dueForDisposition ? due : `NOT ${due}`);
  }
  return where;
}

/** For each query word no record holds as typed, the words the records hold one slip away (pg_trgm finds the neighbours). */
export async function wordSlips(db: Queryable, words: readonly string[]): Promise<Map<string, string[]>> {
  const slips = new Map<string, string[]>();
  if (words.length === 0) return slips;
  const { rows } = await db.query<{ word: string; known: boolean; near: string[] }>(
    `SELECT q.word, EXISTS (SELECT 1 FROM search_words w WHERE w.word = q.word) AS known,
            ARRAY(SELECT w.word FROM search_words w WHERE w.word % q.word ORDER BY similarity(w.word, q.word) DESC, w.word LIMIT 50) AS near
     FROM unnest($1::text[]) AS q(word)`,
    [words],
  );
  for (const { word, known, near } of rows) {
    const found = known ? [] : oneSlipAway(word, near);
    if (found.length) slips.set(word, found);
  }
  return slips;
}

const facetSql = (from: string) => `
  SELECT 'unit' AS facet, u.code AS value, count(*)::int AS count FROM ${from} f JOIN units u ON u.id = f.unit_id GROUP BY u.code
  UNION ALL SELECT 'procedure', f.procedure_code, count(*)::int FROM ${from} f WHERE f.procedure_code IS NOT NULL GROUP BY f.procedure_code
  UNION ALL SELECT 'component', f.component_code, count(*)::int FROM ${from} f WHERE f.component_code IS NOT NULL GROUP BY f.component_code
  UNION ALL SELECT 'year', extract(year FROM f.created_at AT TIME ZONE ${VIETNAM})::int::text, count(*)::int FROM ${from} f GROUP BY 2`;

function facetsOf(rows: { facet: keyof SearchFacets; value: string; count: number }[], counted: number, cap: number): SearchFacets {
  const facets: SearchFacets = { unit: [], procedure: [], component: [], year: [], counted, complete: counted < cap };
  for (const r of rows) (facets[r.facet] as FacetCount[]).push({ value: r.value, count: r.count });
  for (const k of ['unit', 'procedure', 'component', 'year'] as const) facets[k].sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  return facets;
}

/**
 * GET /records?q=…: the records the words and filters find, a page at a time, with facet counts and, for each
 * record, the pages where the words are (highlighted with <mark>, the page text HTML-escaped first).
 */
export async function searchRecords(db: Queryable, o: SearchOptions): Promise<SearchResult> {
  const limit = Math.min(Math.max(o.limit ?? 20, 1), 100);
  const cap = o.candidateCap ?? DEFAULT_CANDIDATE_CAP;
  const terms = parseQuery(o.q ?? '');
  const queries = tsQueries(terms, await wordSlips(db, slipCandidates(terms)));
  const sort = o.sort ?? (queries ? 'relevance' : 'date');
  const cursor = o.cursor ? decodeCursor(o.cursor) : null;
  if (cursor && cursor.sort !== sort) throw new RangeError('the cursor belongs to another sort order');

  const p = new Params();
  const where = filterConditions(o, p);
  const q = queries ? p.add(queries.match) : null;
  if (q) where.push(`r.search_vector @@ ${q}::tsquery`);
  const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const candidates = (capParam: string) => `SELECT r.id, r.unit_id, r.procedure_code, r.component_code, r.created_at FROM records r ${whereSql}
                      ORDER BY r.created_at DESC, r.id DESC LIMIT ${capParam}`;

  let page: { id: string; rank?: number; at?: string }[];
  let facets: SearchFacets;
  if (sort === 'relevance' && q) {
    const after = cursor?.sort === 'relevance' ? `WHERE (c.rank, c.id) < (${p.add(cursor.rank)}::float4, ${p.add(cursor.id)}::uuid)` : '';
    const { rows } = await db.query(
      `WITH c0 AS MATERIALIZED (${candidates(p.add(cap))}),
            c AS MATERIALIZED (SELECT c0.*, ts_rank(r.search_vector, ${q}::tsquery, 1) AS rank FROM c0 JOIN records r ON r.id = c0.id),
            pg AS (SELECT c.id, c.rank FROM c ${after} ORDER BY c.rank DESC, c.id DESC LIMIT ${p.add(limit + 1)}),
            fc AS (${facetSql('c')})
       SELECT (SELECT coalesce(json_agg(pg ORDER BY pg.rank DESC, pg.id DESC), '[]') FROM pg) AS page,
              (SELECT coalesce(json_agg(fc), '[]') FROM fc) AS facets, (SELECT count(*)::int FROM c) AS counted`,
      p.values,
    );
    page = rows[0].page;
    facets = facetsOf(rows[0].facets, rows[0].counted, cap);
  } else {
    const facetParams = [...p.values, cap];
    const { rows: facetRows } = await db.query(
      `WITH c AS MATERIALIZED (${candidates(`$${facetParams.length}`)}) SELECT *, (SELECT count(*)::int FROM c) AS counted FROM (${facetSql('c')}) f`,
      facetParams,
    );
    const after = cursor?.sort === 'date' ? `AND (r.created_at, r.id) < (${p.add(cursor.at)}::timestamptz, ${p.add(cursor.id)}::uuid)` : '';
    const { rows } = await db.query(
      `SELECT r.id, r.created_at::text AS at FROM records r ${whereSql || 'WHERE true'} ${after}
       ORDER BY r.created_at DESC, r.id DESC LIMIT ${p.add(limit + 1)}`,
      p.values,
    );
    page = rows;
    const counted = facetRows[0]?.counted ?? 0;
    facets = facetsOf(facetRows, counted, cap);
  }

  const more = page.length > limit;
  page = page.slice(0, limit);
  const last = page.at(-1);
  const nextCursor: Cursor | null = !more || !last ? null : sort === 'relevance' ? { sort, rank: last.rank!, id: last.id } : { sort: 'date', at: last.at!, id: last.id };
  const items = await describeItems(db, page.map((x) => x.id), queries?.highlight ?? null);
  return { items, facets, next: nextCursor ? encodeCursor(nextCursor) : null };
}

const HEADLINE_OPTIONS = 'StartSel=<mark>, StopSel=</mark>, MaxWords=24, MinWords=8, MaxFragments=2, FragmentDelimiter=" … "';
const MAX_SNIPPET_PAGES = 3;

/** The page of results as the API shows them, in the given order, each with up to three pages' snippets. */
async function describeItems(db: Queryable, ids: string[], highlight: string | null): Promise<SearchItem[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query(
    `SELECT r.id, r.metadata->>'title' AS title, r.metadata->>'dossierCode' AS dossier, r.component_code AS component, u.code AS unit,
            r.retain_until::text AS "retainUntil", r.legal_hold AS "onHold"
     FROM records r JOIN units u ON u.id = r.unit_id WHERE r.id = ANY($1::uuid[])`,
    [ids],
  );
  const snippets = new Map<string, { page: number; text: string }[]>();
  if (highlight) {
    // A record's text is its pages joined by form feeds (record.archive), so the n-th piece is page n of the PDF.
    const { rows: hits } = await db.query<{ id: string; page: number; text: string }>(
      `SELECT r.id, p.n::int AS page,
              ts_headline('sohoa', replace(replace(replace(p.page, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), $2::tsquery, '${HEADLINE_OPTIONS}') AS text
       FROM records r CROSS JOIN LATERAL (
         SELECT t.page, t.n FROM string_to_table(r.text, E'\\f') WITH ORDINALITY AS t(page, n)
         WHERE to_tsvector('sohoa', t.page) @@ $2::tsquery
         ORDER BY ts_rank(to_tsvector('sohoa', t.page), $2::tsquery) DESC, t.n LIMIT ${MAX_SNIPPET_PAGES}
       ) p
       WHERE r.id = ANY($1::uuid[]) ORDER BY r.id, p.n`,
      [ids, highlight],
    );
    for (const h of hits) snippets.set(h.id, [...(snippets.get(h.id) ?? []), { page: h.page, text: h.text }]);
  }
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    return r ? [{ ...r, snippets: snippets.get(id) ?? [] }] : [];
  });
}
