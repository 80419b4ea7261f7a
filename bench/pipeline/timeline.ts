/**
 * `npm run bench:timeline [-- --dossiers N --seed S --env K=V]`: where the busy phase's wall time goes. The busy
 * set of `bench:pipeline` dropped at once into one `sohoa start`; afterwards pg-boss's job rows (created, started,
 * completed) and the process tree's CPU sampled every 250 ms give, second by second, the cores in use and the jobs
 * at work, and per job kind the time spent waiting for a worker. A diagnostic: no goal, nothing written.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { runningEmbeddedPostgres } from '@sohoa/embedded';
import { pipelineCorpus } from './corpus.ts';
import { startOneProcess, stopOneProcess } from './single.ts';
import { treeTicks } from './process-tree.ts';
import { HotFolderWatch } from './watch.ts';

const { values } = parseArgs({
  options: {
    dossiers: { type: 'string', default: '8' },
    seed: { type: 'string', default: '20261203' },
    env: { type: 'string', multiple: true, default: [] },
  },
});

const root = path.join(import.meta.dirname, '..', 'tmp');
const work = path.join(root, `timeline-${process.pid}`);
const corpus = await pipelineCorpus(root, Number(values.seed), { throughput: Number(values.dossiers), probes: 0 });
const env = Object.fromEntries(values.env!.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
const { sohoa, pid, url, token, inbox } = await startOneProcess(path.join(work, 'single'), { ocrWorkers: 2, env });

try {
  const watch = new HotFolderWatch(url, token, inbox);
  const samples: { t: number; ticks: number }[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      samples.push({ t: Date.now(), ticks: treeTicks([pid]) });
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  // Warm-up as bench:pipeline's idle phase gives it: the first pages grow tesseract's heaps and compile what they run.
  for (const d of corpus.throughput.slice(0, 2)) {
    await watch.drop(d.file, `warm-${d.name}`, d.pages);
    await watch.until([`warm-${d.name}`], 300_000);
  }
  await new Promise((r) => setTimeout(r, 2000));
  const t0 = Date.now();
  for (const d of corpus.throughput) await watch.drop(d.file, d.name, d.pages);
  const outcomes = await watch.until(corpus.throughput.map((d) => d.name), 900_000);
  const end = Math.max(...outcomes.map((o) => o.archivedAt ?? o.settledAt!));
  sampling = false;
  await sampler;
  const pages = outcomes.reduce((s, o) => s + o.pages, 0);
  console.log(`${pages} pages, ${outcomes.length} dossiers, ${((end - t0) / 1000).toFixed(1)} s drop → last archived`);

  const db = new pg.Client({ connectionString: (await runningEmbeddedPostgres(path.join(work, 'single', 'postgres')))! });
  await db.connect();
  const { rows } = await db.query<{ name: string; created: Date; started: Date | null; completed: Date | null }>(
    `SELECT name, created_on AS created, started_on AS started, completed_on AS completed FROM pgboss.job
      WHERE name NOT LIKE '\\_\\_%' AND name NOT LIKE '%.dead' AND created_on >= to_timestamp($1 / 1000.0) ORDER BY created_on`,
    [t0],
  );
  await db.end();
  const kinds = [...new Set(rows.map((r) => r.name))];
  console.log('\njob kind: count, mean wait for a worker (created → started), mean run, total run (s)');
  for (const k of kinds) {
    const js = rows.filter((r) => r.name === k && r.started && r.completed);
    const wait = js.reduce((s, r) => s + (+r.started! - +r.created), 0) / js.length / 1000;
    const run = js.reduce((s, r) => s + (+r.completed! - +r.started!), 0) / 1000;
    console.log(`  ${k.padEnd(16)} ${String(js.length).padStart(4)}  wait ${wait.toFixed(2)}  run ${(run / js.length).toFixed(2)}  total ${run.toFixed(1)}`);
  }
  console.log('\nsecond: cores used | jobs running by kind');
  const abbrev = (k: string) => ({ 'ingest.file': 'I', 'ocr.page': 'O', 'batch.split': 'S', 'document.build': 'B', 'document.sign': 'G', 'record.archive': 'A' })[k] ?? '?';
  let idleCoreSeconds = 0;
  for (let s = 0; s * 1000 < end - t0 + 1000; s++) {
    const from = t0 + s * 1000;
    const to = from + 1000;
    const inWindow = samples.filter((x) => x.t >= from && x.t <= to);
    const cores = inWindow.length >= 2 ? (inWindow.at(-1)!.ticks - inWindow[0]!.ticks) / 100 / ((inWindow.at(-1)!.t - inWindow[0]!.t) / 1000) : NaN;
    if (Number.isFinite(cores) && to <= end) idleCoreSeconds += Math.max(0, 2 - cores);
    const running = rows.filter((r) => r.started && +r.started < to && (!r.completed || +r.completed > from)).map((r) => abbrev(r.name)).sort().join('');
    console.log(`${String(s).padStart(4)}: ${cores.toFixed(2)} ${'#'.repeat(Math.max(0, Math.round(cores * 10) || 0)).padEnd(22)} ${running}`);
  }
  console.log(`\nidle core-seconds before the last record: ${idleCoreSeconds.toFixed(1)} of ${((2 * (end - t0)) / 1000).toFixed(1)}`);
} finally {
  await stopOneProcess(sohoa);
  await fs.rm(work, { recursive: true, force: true });
}
