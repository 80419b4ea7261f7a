import { withTransaction, type Db, type Queryable } from '@sohoa/shared';
import { decodeCursor, encodeCursor, loosenPhrases, oneSlipAway, parseQuery, slipCandidates, tsQueries, type Cursor } from './search-query.ts';

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
  readonly values: unknown[];
  constructor(values: readonly unknown[] = []) {
    this.values = [...values];
  }
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * The WHERE conditions of the filters (without the words). A disposed record (its object destroyed, a tombstone
 * left) is never found: only its tombstone speaks for it. On hold and due for disposition read the columns the
 * holds service and the nightly disposition scan keep (legal_hold, due_since).
 */
function filterConditions(o: SearchOptions, p: Params): string[] {
  const where: string[] = ['r.disposed_at IS NULL'];
  if (o.units) where.push(`r.unit_id = ANY(${p.add(o.units)}::uuid[])`);
  if (o.unit) where.push(`r.unit_id = (SELECT id FROM units WHERE code = ${p.add(o.unit)})`);
  if (o.procedure) where.push(`r.procedure_code = ${p.add(o.procedure)}`);
  if (o.component) where.push(`r.component_code = ${p.add(o.component)}`);
  if (o.owner) where.push(`r.owner_identifier = ${p.add(o.owner)}`);
  if (o.from) where.push(`r.created_at >= (${p.add(o.from)}::date)::timestamp AT TIME ZONE ${VIETNAM}`);
  if (o.to) where.push(`r.created_at < (${p.add(o.to)}::date + 1)::timestamp AT TIME ZONE ${VIETNAM}`);
  if (o.retention === 'permanent') where.push('r.retention_years IS NULL');
  else if (typeof o.retention === 'number') where.push(`r.retention_years = ${p.add(o.retention)}`);
  if (o.onHold !== undefined) where.push(o.onHold ? 'r.legal_hold' : 'NOT r.legal_hold');
  if (o.dueForDisposition !== undefined) where.push(o.dueForDisposition ? 'r.due_since IS NOT NULL' : 'r.due_since IS NULL');
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

function facetsOf(rows: { facet: keyof SearchFacets; value: string; count: number }[], counted: number, complete: boolean): SearchFacets {
  const facets: SearchFacets = { unit: [], procedure: [], component: [], year: [], counted, complete };
  for (const r of rows) (facets[r.facet] as FacetCount[]).push({ value: r.value, count: r.count });
  for (const k of ['unit', 'procedure', 'component', 'year'] as const) facets[k].sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  return facets;
}

/**
 * The search's queries, on one connection in one read-only transaction (one snapshot for the page and its facets),
 * so the planner settings of the time-window walk (newestMatching) stay local to it.
 */
async function readOnly<T>(db: Queryable, work: (tx: Queryable) => Promise<T>): Promise<T> {
  if (!isPool(db)) return work(db); // a caller's own connection: its transaction, its settings
  return withTransaction(db, work, 'BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
}

const isPool = (db: Queryable): db is Db => 'totalCount' in db; // pg.Pool counts its clients; a client does not

interface Candidate { id: string; unit_id: string; procedure_code: string | null; component_code: string | null; at: string }

/** Time windows over records.created_at, newest first, from PostgreSQL's histogram of the column (ANALYZE). */
async function timeWindows(tx: Queryable, before: string | null, first: number): Promise<{ lo: string | null; hi: string | null }[]> {
  const { rows } = await tx.query<{ bounds: string[] | null }>(
    `SELECT histogram_bounds::text::timestamptz[]::text[] AS bounds FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'records' AND attname = 'created_at'`,
  );
  const bounds = (rows[0]?.bounds ?? []).map((b) => Date.parse(b.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00'))).filter(Number.isFinite);
  // Each of the histogram's buckets holds about as many records. The first window is the share of the records
  // expected to hold enough matches (`first`, from the planner's estimate), each next one four times the last: the
  // GIN bitmap is built again for each window, so one window is the aim, and a poor estimate costs a few more.
  const buckets = bounds.length - 1;
  const at = (fromTop: number): number | null => {
    if (fromTop >= buckets) return null;
    const k = Math.floor(fromTop);
    const upper = bounds[buckets - k]!, lower = bounds[buckets - k - 1]!;
    return upper - (fromTop - k) * (upper - lower);
  };
  const windows: { lo: string | null; hi: string | null }[] = [];
  let hi: number | null = null;
  for (let size = Math.max(first * buckets, 0.05), top = 0; buckets > 0; size *= 4) {
    top += size;
    const lo = at(top);
    if (lo === null || before === null || lo < Date.parse(before)) windows.push({ lo: lo === null ? null : new Date(lo).toISOString(), hi: hi === null ? null : new Date(hi).toISOString() });
    if (lo === null) break;
    hi = lo;
  }
  return windows.length ? windows : [{ lo: null, hi: null }];
}

/**
 * The newest `count` records meeting `where` (after `before` when given), newest first, walking back through the
 * archive in time windows. In each window one GIN scan (records_search holds created_at beside the words, btree_gin)
 * takes the window's records from the time entries and skips in the words' posting lists to them, and PostgreSQL
 * reads just the rows found, without their search vectors when the words alone decide (records are written in time
 * order, so a window is a short stretch of each posting list). The plain "ORDER BY created_at DESC LIMIT n" instead
 * walks the time index and reads (de-TOASTs) the vector of every record on the way until n match: 100k vectors for
 * a word in one record of a hundred.
 * Sequential and plain index scans are switched off for these queries only: both read every vector they pass.
 */
async function newestMatching(
  tx: Queryable, where: readonly string[], values: readonly unknown[], count: number, before: { at: string; id: string } | null, share = 0.1,
): Promise<Candidate[]> {
  const { rows: [size] } = await tx.query<{ n: number }>(`SELECT greatest(reltuples, 1)::float8 AS n FROM pg_class WHERE oid = 'records'::regclass`);
  const first = Math.min(1, (1.5 * count) / (Math.max(share, 1e-6) * (size?.n ?? 1))); // the records expected to hold `count` matches, and half again
  const found: Candidate[] = [];
  await tx.query('SET LOCAL enable_seqscan = off');
  await tx.query('SET LOCAL enable_indexscan = off');
  for (const w of await timeWindows(tx, before?.at ?? null, first)) {
    const p = new Params(values);
    const conditions = [...where];
    if (w.lo) conditions.push(`r.created_at >= ${p.add(w.lo)}::timestamptz`);
    // The window's upper end (and the cursor) are applied to the rows the index found, outside the CTE's fence: given
    // to the GIN index they would be a second range key, "everything older than hi", most of its created_at entries.
    const newer: string[] = [];
    if (w.hi) newer.push(`created_at < ${p.add(w.hi)}::timestamptz`);
    if (before) newer.push(`(created_at, id) < (${p.add(before.at)}::timestamptz, ${p.add(before.id)}::uuid)`);
    const { rows } = await tx.query<Candidate>(
      `WITH w AS MATERIALIZED (SELECT r.id, r.unit_id, r.procedure_code, r.component_code, r.created_at FROM records r WHERE ${conditions.join(' AND ')})
       SELECT id, unit_id, procedure_code, component_code, created_at::text AS at FROM w ${newer.length ? `WHERE ${newer.join(' AND ')}` : ''}
       ORDER BY created_at DESC, id DESC LIMIT ${p.add(count - found.length)}`,
      p.values,
    );
    found.push(...rows);
    if (found.length >= count) break;
  }
  // Back on for the rest of the transaction (a failed query aborts it: nothing to restore then).
  await tx.query('SET LOCAL enable_seqscan = on');
  await tx.query('SET LOCAL enable_indexscan = on');
  return found;
}

/** Below this share of the records a word is rare enough for one GIN bitmap; above the other, common enough to meet at once. */
const COMMON_BELOW = 0.01;
const COMMON_ABOVE = 0.3;

/** The planner's estimate (its most-common-lexeme statistics) of the share of records a tsquery matches. */
async function shareMatching(tx: Queryable, tsquery: string): Promise<number> {
  const literal = `'${tsquery.replace(/'/g, "''")}'`; // EXPLAIN takes no parameters; standard_conforming_strings is on
  const { rows } = await tx.query(`EXPLAIN (FORMAT JSON) SELECT 1 FROM records r WHERE r.search_vector @@ ${literal}::tsquery`);
  const { rows: [size] } = await tx.query<{ n: number }>(`SELECT greatest(reltuples, 1)::float8 AS n FROM pg_class WHERE oid = 'records'::regclass`);
  const plan = (rows[0]['QUERY PLAN'] as { Plan: { 'Plan Rows': number } }[])[0]!.Plan;
  return plan['Plan Rows'] / (size?.n ?? 1);
}

/**
 * The share of records holding every one of `lexemes` when they come together, as a phrase's words do: at most the
 * share of the rarest of them (the most-common-lexeme statistics; a lexeme not among them is rarer than all that
 * are). The planner takes words as independent and multiplies: for "giấy chứng nhận quyền sử dụng đất" it expects
 * a few records in a thousand where a quarter of the corpus holds all seven words. Sized on that guess, the first
 * time window would span most of the archive; sized on this bound it is small, and grows when it holds too few.
 */
async function shareOfRarest(tx: Queryable, lexemes: readonly string[]): Promise<number> {
  const { rows } = await tx.query<{ elems: string[] | null; freqs: number[] | null }>(
    `SELECT most_common_elems::text::text[] AS elems, most_common_elem_freqs AS freqs FROM pg_stats
     WHERE schemaname = current_schema() AND tablename = 'records' AND attname = 'search_vector'`,
  );
  const elems = rows[0]?.elems ?? [], freqs = rows[0]?.freqs ?? [];
  if (elems.length === 0) return 1;
  const floor = freqs[elems.length] ?? 0; // after the frequencies: their minimum, maximum and the null share
  return Math.min(1, ...lexemes.map((w) => {
    const at = elems.indexOf(w);
    return at >= 0 ? freqs[at]! : floor;
  }));
}

/** The newest `count` records meeting `where`, in one query: PostgreSQL picks the time index or the GIN bitmap. */
async function newestAtOnce(tx: Queryable, where: readonly string[], values: readonly unknown[], count: number): Promise<Candidate[]> {
  const p = new Params(values);
  const { rows } = await tx.query<Candidate>(
    `SELECT r.id, r.unit_id, r.procedure_code, r.component_code, r.created_at::text AS at FROM records r WHERE ${where.join(' AND ')}
     ORDER BY r.created_at DESC, r.id DESC LIMIT ${p.add(count)}`,
    p.values,
  );
  return rows;
}

/**
 * GET /records?q=…: the records the words and filters find, a page at a time, with facet counts and, for each
 * record, the pages where the words are (highlighted with <mark>, the page text HTML-escaped first).
 *
 * With words, the records counted and ranked are the newest `cap` found by the words without their order (the
 * GIN index answers that exactly), of which those where each phrase stands whole: a phrase is checked on at most
 * `cap` vectors, whatever the archive's size.
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
  const { page, facets } = await readOnly(db, async (tx) => {
    if (!queries) return filtersOnly(tx, where, p, { cap, limit, after: cursor?.sort === 'date' ? cursor : null });
    const loose = loosenPhrases(queries.match);
    const filters = new Params(p.values); // the filters' parameters, before those of the ranking query
    const found = [...where, `r.search_vector @@ ${p.add(loose)}::tsquery`];
    const phrase = loose !== queries.match;
    const share = phrase ? await shareOfRarest(tx, terms.flatMap((t) => (t.kind === 'phrase' ? t.words : []))) : await shareMatching(tx, loose);
    // The time-window walk pays off between the extremes (and always for a phrase, whose words are common); a word
    // in most records is met at once walking the time index, a rare one is a small GIN bitmap: one query each.
    const candidates = phrase || (share > COMMON_BELOW && share < COMMON_ABOVE)
      ? await newestMatching(tx, found, p.values, cap, null, share)
      : await newestAtOnce(tx, found, p.values, cap);
    const complete = candidates.length < cap;
    const rp = new Params(); // the ranking query's own: the candidates are filtered already
    const exact = rp.add(queries.match);
    // Ranked (and, with a phrase, checked whole) on the capped set only: the candidates by their keys, then their
    // vectors. The phrase is checked above a fence (OFFSET 0): beside the keys, PostgreSQL would also ask the GIN
    // index for it, reading the whole posting list of every word of the phrase (the cost the windows avoid).
    const c = rp.add(candidates.map((x) => x.id));
    const check = phrase ? `WHERE r.search_vector @@ ${exact}::tsquery` : '';
    const ranked = `SELECT r.id, r.unit_id, r.procedure_code, r.component_code, r.created_at, ts_rank(r.search_vector, ${exact}::tsquery, 1) AS rank
                    FROM (SELECT id, unit_id, procedure_code, component_code, created_at, search_vector FROM records WHERE id = ANY(${c}::uuid[]) OFFSET 0) r ${check}`;
    if (sort === 'relevance') {
      const after = cursor?.sort === 'relevance' ? `WHERE (c.rank, c.id) < (${rp.add(cursor.rank)}::float4, ${rp.add(cursor.id)}::uuid)` : '';
      const { rows } = await tx.query(
        `WITH c AS MATERIALIZED (${ranked}),
              pg AS (SELECT c.id, c.rank FROM c ${after} ORDER BY c.rank DESC, c.id DESC LIMIT ${rp.add(limit + 1)}),
              fc AS (${facetSql('c')})
         SELECT (SELECT coalesce(json_agg(pg ORDER BY pg.rank DESC, pg.id DESC), '[]') FROM pg) AS page,
                (SELECT coalesce(json_agg(fc), '[]') FROM fc) AS facets, (SELECT count(*)::int FROM c) AS counted`,
        rp.values,
      );
      return { page: rows[0].page as PageRow[], facets: facetsOf(rows[0].facets, rows[0].counted, complete) };
    }
    // By date: the facets count the same capped set; the page is the newest exact matches after the cursor.
    const dp = new Params();
    const ids = dp.add(candidates.map((x) => x.id));
    const { rows } = await tx.query(
      `WITH c AS MATERIALIZED (SELECT id, unit_id, procedure_code, component_code, created_at FROM (
                                 SELECT id, unit_id, procedure_code, component_code, created_at, search_vector FROM records WHERE id = ANY(${ids}::uuid[]) OFFSET 0) r
                               ${phrase ? `WHERE r.search_vector @@ ${dp.add(queries.match)}::tsquery` : ''}),
            fc AS (${facetSql('c')})
       SELECT (SELECT coalesce(json_agg(fc), '[]') FROM fc) AS facets, (SELECT count(*)::int FROM c) AS counted`,
      dp.values,
    );
    const after = cursor?.sort === 'date' ? { at: cursor.at, id: cursor.id } : null;
    const newest = await newestMatching(tx, [...where, `r.search_vector @@ ${filters.add(queries.match)}::tsquery`], filters.values, limit + 1, after);
    return { page: newest.map((x): PageRow => ({ id: x.id, at: x.at })), facets: facetsOf(rows[0].facets, rows[0].counted, complete) };
  });

  const more = page.length > limit;
  const shown = page.slice(0, limit);
  const last = shown.at(-1);
  const nextCursor: Cursor | null = !more || !last ? null : sort === 'relevance' ? { sort, rank: last.rank!, id: last.id } : { sort: 'date', at: last.at!, id: last.id };
  const items = await describeItems(db, shown.map((x) => x.id), queries?.highlight ?? null);
  return { items, facets, next: nextCursor ? encodeCursor(nextCursor) : null };
}

type PageRow = { id: string; rank?: number; at?: string };

/**
 * Filters without words: the newest first, straight from a b-tree (records_by_unit_procedure_time covers the
 * usual unit + procedure + dates, facets included, without reading a record).
 */
async function filtersOnly(tx: Queryable, where: readonly string[], p: Params, o: { cap: number; limit: number; after: { at: string; id: string } | null }) {
  const whereSql = `WHERE ${where.join(' AND ')}`;
  const capped = new Params(p.values);
  const { rows: facetRows } = await tx.query(
    `WITH c AS MATERIALIZED (SELECT r.id, r.unit_id, r.procedure_code, r.component_code, r.created_at FROM records r ${whereSql}
                             ORDER BY r.created_at DESC, r.id DESC LIMIT ${capped.add(o.cap)})
     SELECT *, (SELECT count(*)::int FROM c) AS counted FROM (${facetSql('c')}) f`,
    capped.values,
  );
  const after = o.after ? `AND (r.created_at, r.id) < (${p.add(o.after.at)}::timestamptz, ${p.add(o.after.id)}::uuid)` : '';
  const { rows } = await tx.query<PageRow>(
    `SELECT r.id, r.created_at::text AS at FROM records r ${whereSql} ${after} ORDER BY r.created_at DESC, r.id DESC LIMIT ${p.add(o.limit + 1)}`,
    p.values,
  );
  const counted = facetRows[0]?.counted ?? 0;
  return { page: rows, facets: facetsOf(facetRows, counted, counted < o.cap) };
}

/** A search export asked for more records than this limit allows: the caller narrows the search. */
export class TooManyResults extends Error {
  constructor(readonly limit: number) {
    super(`the search finds more than ${limit} records: narrow it (filters, a date range) and export again`);
  }
}

/**
 * Every record the words and filters find (no candidate cap, no facets, no snippets), newest first: what an export
 * of a search holds. More than `max` throws TooManyResults rather than cutting the set silently.
 */
export async function searchRecordIds(db: Queryable, o: Omit<SearchOptions, 'sort' | 'limit' | 'cursor' | 'candidateCap'>, max: number): Promise<string[]> {
  const terms = parseQuery(o.q ?? '');
  const queries = tsQueries(terms, await wordSlips(db, slipCandidates(terms)));
  const p = new Params();
  const where = filterConditions(o, p);
  if (queries) where.push(`r.search_vector @@ ${p.add(queries.match)}::tsquery`);
  const { rows } = await db.query<{ id: string }>(
    `SELECT r.id FROM records r WHERE ${where.join(' AND ')} ORDER BY r.created_at DESC, r.id DESC LIMIT ${p.add(max + 1)}`,
    p.values,
  );
  if (rows.length > max) throw new TooManyResults(max);
  return rows.map((r) => r.id);
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
