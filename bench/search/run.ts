/**
 * npm run bench:search [-- --records N --runs R --data DIR]: N records (default 1,000,000) into an embedded
 * PostgreSQL of its own, the search indexes built, a fixed query mix timed; results in bench/results/search.md.
 * Without --data the cluster is removed afterwards. With --data DIR it is kept there, and a later run with the same
 * DIR (and N) reuses it: the load (20+ minutes at 1 M) is skipped, pending migrations are applied, and the load
 * and index times reported are those of the run that made it (bench.json in DIR).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startEmbeddedPostgres } from '@sohoa/embedded';
import { createDb, migrate } from '@sohoa/shared';
import { loadOnce, runSearchBench, type BenchReport } from './bench.ts';

const { values } = parseArgs({
  options: { records: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '40' }, 'ilike-runs': { type: 'string', default: '3' }, data: { type: 'string' }, 'load-only': { type: 'boolean' },
    'pg-defaults': { type: 'boolean' } },
});
const records = Number(values.records);
if (!Number.isInteger(records) || records < 100) throw new Error('--records: a whole number, at least 100');

const keep = values.data ? path.resolve(values.data) : null;
if (keep) await fs.mkdir(keep, { recursive: true, mode: 0o711 });
const dir = keep ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'sohoa-bench-search-')));
await fs.chmod(dir, 0o711);
/**
 * PostgreSQL's defaults give it 128 MB of shared buffers: at 1 M records the table is ~3 GB, so each record the
 * search touches is copied in from the OS cache again (tens of µs each on a loaded 2-core machine). The bench runs
 * with memory sized for the table, as a production server would be set (README); --pg-defaults measures without.
 */
const BENCH_SETTINGS = { shared_buffers: '3GB', effective_cache_size: '8GB', work_mem: '16MB' };
const settings = values['pg-defaults'] ? {} : BENCH_SETTINGS;
const pg = await startEmbeddedPostgres(path.join(dir, 'postgres'), () => {}, settings);
const db = createDb(pg.databaseUrl, 2);
try {
  await migrate(pg.databaseUrl);
  if (values['load-only']) {
    if (!keep) throw new Error('--load-only needs --data DIR (the loaded cluster is kept there for later runs)');
    await loadOnce(db, records, keep, (l) => console.log(l));
  } else {
    const report = await runSearchBench(db, { records, runs: Number(values.runs), ilikeRuns: Number(values['ilike-runs']), log: (l) => console.log(l), keptIn: keep });
    const md = render(report, settings);
    console.log(md);
    const out = path.resolve(import.meta.dirname, '..', 'results', 'search.md');
    await fs.writeFile(out, md);
    console.log(`written to ${out}`);
  }
} finally {
  await db.end();
  await pg.stop();
  if (!keep) await fs.rm(dir, { recursive: true, force: true });
}

function render(r: BenchReport, settings: Record<string, string>): string {
  const ms = (x: number) => x.toFixed(1);
  const rows = r.queries.map((q) => `| ${q.name} | ${ms(q.search.p50)} | ${ms(q.search.p95)} | ${ms(q.search.p99)} | ${q.search.hits} | ${q.ilike ? `${ms(q.ilike.p50)} / ${ms(q.ilike.p95)}` : '—'} | ${q.ilike ? q.ilike.hits : '—'} |`);
  return `# bench:search

${r.records.toLocaleString('en')} records (sample generator vocabulary: every component and result of the sample catalog, names,
12-digit identifiers, addresses; 1 word in 200 with an OCR slip; archived in time order over 2019–2025, as sohoa
writes them) on ${os.cpus().length} cores, embedded PostgreSQL with
${Object.keys(settings).length ? Object.entries(settings).map(([k, v]) => `${k}=${v}`).join(', ') : 'its default settings'}. Machine load (shared with other work): ${r.load}. Run: ${new Date().toISOString().slice(0, 16)}Z.

| step | time |
|---|---|
| load (INSERT … SELECT unnest, 2000 rows per statement, generated search vector computed per row) | ${r.loadSeconds.toFixed(0)} s |
| GIN index on (created_at, search vector) (btree_gin), maintenance_work_mem 256MB | ${r.indexSeconds.toFixed(1)} s |
| word list for OCR slips (ts_stat, trigram index) | ${r.wordsSeconds.toFixed(1)} s |

| size | |
|---|---|
| records table (heap + TOAST, vectors included) | ${r.sizes.table} |
| GIN index \`records_search\` | ${r.sizes.searchIndex} |
| other indexes on records | ${r.sizes.otherIndexes} |
| \`search_words\` with its trigram index | ${r.sizes.words} |

Times in ms for one GET /records page (searchRecords: 20 items, facets, snippets with page numbers), measured in
the process, ${'`--runs`'} runs after one warm-up. "matches" is how many the facets counted (a ranked search ranks and counts
at most the 1000 newest matches; \`complete: false\` says so). ILIKE: \`text ILIKE '%…%' OR metadata::text ILIKE '%…%'\`,
newest 20, a few runs (it reads the whole table each time); without diacritics it finds only what is typed so.

| query | p50 | p95 | p99 | matches | ILIKE p50 / p95 | ILIKE rows |
|---|---|---|---|---|---|---|
${rows.join('\n')}
`;
}
