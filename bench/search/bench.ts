/**
 * The search benchmark's harness: loads N corpus records into a PostgreSQL migrated as sohoa migrates it, builds
 * the search indexes (timed), then times a fixed query mix through the same searchRecords the API calls (page of
 * 20, facets and snippets included) against ILIKE '%…%' over the same table.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { addAllRecordWords, searchRecords, type SearchOptions } from '@sohoa/archive-api';
import { createRng } from '@sohoa/samples';
import { unitRepository, type Db } from '@sohoa/shared';
import { insertFixtureRecords } from '../../test/helpers/search-fixtures.ts';
import { corpusRecord, documentPool, PLANTED, RARE_WORD } from './corpus.ts';

export interface QueryCase { name: string; options: Omit<SearchOptions, 'units'>; ilike: string | null }
export interface Timing { p50: number; p95: number; p99: number; hits: number; ids: string[] }
export interface BenchReport {
  records: number; loadSeconds: number; indexSeconds: number; wordsSeconds: number;
  sizes: { table: string; searchIndex: string; otherIndexes: string; words: string };
  queries: { name: string; search: Timing; ilike: Timing | null }[];
  load: string; ownerIdentifier: string; plantedIds: string[];
}

const pretty = async (db: Db, sql: string) => (await db.query(`SELECT pg_size_pretty((${sql})::bigint) AS s`)).rows[0].s as string;
const loadAverage = () => os.loadavg().map((x) => x.toFixed(2)).join(' / ');

function percentiles(ms: number[]): Pick<Timing, 'p50' | 'p95' | 'p99'> {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

export async function loadCorpus(db: Db, records: number, log: (line: string) => void) {
  const units: { code: string; id: string }[] = [];
  for (let u = 1; u <= 5; u++) {
    const code = `000.00.${String(u).padStart(2, '0')}.H${String(u).padStart(2, '0')}`;
    units.push({ code, id: await unitRepository.createUnit(db, { code, name: `UBND phường ${u}` }) });
  }
  // Built after the load, timed, as the migrations define it: that is what an archive rebuilding its index pays.
  const { rows: [searchIndex] } = await db.query<{ def: string }>(`SELECT pg_get_indexdef('records_search'::regclass) AS def`);
  await db.query('DROP INDEX records_search');
  const pool = documentPool(20251207, Math.min(4000, Math.ceil(records / 4)));
  const random = createRng(7).next;
  const started = performance.now();
  const batch = 2000;
  let owner = '';
  const plantedIds: string[] = [];
  for (let i = 0; i < records; i += batch) {
    const rows = Array.from({ length: Math.min(batch, records - i) }, (_, k) => corpusRecord(pool, units, i + k, records, random));
    if (i === 0) owner = rows[PLANTED + 3]!.owner;
    const ids = await insertFixtureRecords(db, rows);
    if (i === 0) plantedIds.push(...ids.slice(0, PLANTED));
    if ((i / batch) % 50 === 0) log(`  ${i + rows.length} records (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
  const loadSeconds = (performance.now() - started) / 1000;
  await db.query('VACUUM ANALYZE records');
  let t = performance.now();
  await db.query(`SET maintenance_work_mem = '256MB'`);
  await db.query(searchIndex!.def);
  const indexSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  await addAllRecordWords(db);
  const wordsSeconds = (performance.now() - t) / 1000;
  await db.query('ANALYZE');
  return { units, loadSeconds, indexSeconds, wordsSeconds, owner, plantedIds };
}

export function queryMix(owner: string, unitCode: string): QueryCase[] {
  return [
    { name: 'word with diacritics ("thửa")', options: { q: 'thửa' }, ilike: 'thửa' },
    { name: 'word without diacritics ("thua")', options: { q: 'thua' }, ilike: 'thua' },
    { name: 'phrase ("giấy chứng nhận quyền sử dụng đất")', options: { q: '"giấy chứng nhận quyền sử dụng đất"' }, ilike: 'giấy chứng nhận quyền sử dụng đất' },
    { name: 'owner identifier', options: { q: owner }, ilike: owner },
    { name: 'filters only (unit, procedure, 2024), by date', options: { unit: unitCode, procedure: 'XD', from: '2024-01-01', to: '2024-12-31' }, ilike: null },
    { name: `rare word ("${RARE_WORD}")`, options: { q: RARE_WORD }, ilike: RARE_WORD },
    { name: 'very common word ("nam"), ranked', options: { q: 'nam' }, ilike: 'nam' },
    { name: 'common words + one slip ("xã hội chủ nghĩs")', options: { q: 'xã hội chủ nghĩs' }, ilike: null },
  ];
}

export async function timeQueries(db: Db, mix: QueryCase[], runs: number, ilikeRuns: number) {
  const out: BenchReport['queries'] = [];
  for (const c of mix) {
    const ms: number[] = [];
    let last = await searchRecords(db, { ...c.options, units: null }); // warm
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      last = await searchRecords(db, { ...c.options, units: null });
      ms.push(performance.now() - t);
    }
    const search: Timing = { ...percentiles(ms), hits: last.facets.counted, ids: last.items.map((x) => x.id) };
    let ilike: Timing | null = null;
    if (c.ilike && ilikeRuns > 0) {
      const ims: number[] = [];
      let rows: { id: string }[] = [];
      for (let i = 0; i < ilikeRuns; i++) {
        const t = performance.now();
        ({ rows } = await db.query(`SELECT id FROM records WHERE text ILIKE $1 OR metadata::text ILIKE $1 ORDER BY created_at DESC LIMIT 20`, [`%${c.ilike}%`]));
        ims.push(performance.now() - t);
      }
      ilike = { ...percentiles(ims), hits: rows.length, ids: rows.map((r) => r.id) };
    }
    out.push({ name: c.name, search, ilike });
  }
  return out;
}

type Loaded = Awaited<ReturnType<typeof loadCorpus>>;

/**
 * The corpus, loaded now or, when the cluster is kept in `keptIn` and was loaded there before with as many records,
 * as that load left it (bench.json says what it made: units, planted ids, owner, times).
 */
export async function loadOnce(db: Db, records: number, keptIn: string | null, log: (line: string) => void): Promise<Loaded> {
  const marker = keptIn ? path.join(keptIn, 'bench.json') : null;
  if (marker) {
    const before = await fs.readFile(marker, 'utf8').then((t) => JSON.parse(t) as Loaded & { records: number }, () => null);
    if (before && before.records === records) {
      log(`reusing the ${records} records loaded before in ${keptIn}`);
      await db.query('ANALYZE');
      return before;
    }
    if (before) throw new Error(`${keptIn} holds ${before.records} records, not ${records}: remove it or pass --records ${before.records}`);
  }
  const loaded = await loadCorpus(db, records, log);
  if (marker) await fs.writeFile(marker, JSON.stringify({ records, ...loaded }));
  return loaded;
}

export async function runSearchBench(db: Db, o: { records: number; runs: number; ilikeRuns: number; log: (line: string) => void; keptIn?: string | null }): Promise<BenchReport> {
  const loadBefore = loadAverage();
  const loaded = await loadOnce(db, o.records, o.keptIn ?? null, o.log);
  o.log(`loaded in ${loaded.loadSeconds.toFixed(0)} s, GIN built in ${loaded.indexSeconds.toFixed(1)} s, words in ${loaded.wordsSeconds.toFixed(1)} s`);
  const queries = await timeQueries(db, queryMix(loaded.owner, loaded.units[0]!.code), o.runs, o.ilikeRuns);
  return {
    records: o.records, loadSeconds: loaded.loadSeconds, indexSeconds: loaded.indexSeconds, wordsSeconds: loaded.wordsSeconds,
    sizes: {
      table: await pretty(db, `pg_total_relation_size('records') - pg_indexes_size('records')`),
      searchIndex: await pretty(db, `pg_relation_size('records_search')`),
      otherIndexes: await pretty(db, `pg_indexes_size('records') - pg_relation_size('records_search')`),
      words: await pretty(db, `pg_total_relation_size('search_words')`),
    },
    queries, load: `${loadBefore} before, ${loadAverage()} after (1/5/15 min)`, ownerIdentifier: loaded.owner, plantedIds: loaded.plantedIds,
  };
}
