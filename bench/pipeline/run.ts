/**
 * `npm run bench:pipeline [-- --dossiers N --idle N --busy N --seed S --no-peer --spread-only --no-spread]`: the
 * whole pipeline, scan dropped in the hot folder → signed record archived, on the embedded default, against
 * OCRmyPDF's OCR alone on the same pages in the same run; then the queue's own cost and workers spread over
 * processes (bench/pipeline/spread.ts). Results: bench/results/pipeline.json (the last run of each part) and
 * bench/results/pipeline.md.
 * `npm run bench:pipeline -- --soak PAGES` (or `npm run bench:soak`, 1,000 pages) runs the memory soak alone
 * (bench/pipeline/soak.ts) and writes its part of the same files.
 * What a peak is made of, isolate by isolate: bench/pipeline/thread-memory-report.ts says how to run with the probe.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { installPeer } from '../ocr/peer.ts';
import { measure } from '../ocr/process-memory.ts';
import { pipelineCorpus } from './corpus.ts';
import { renderPipelineReport, type PipelineResults } from './report.ts';
import { machine, runSingle } from './single.ts';
import { runSoak } from './soak.ts';
import { runSpread } from './spread.ts';

const { values } = parseArgs({
  options: {
    dossiers: { type: 'string', default: '8' }, // ~50 pages: throughput in steady state, not the first page's latency and the last one's tail
    idle: { type: 'string', default: '5' },
    busy: { type: 'string', default: '2' },
    seed: { type: 'string', default: '20261203' },
    'no-peer': { type: 'boolean', default: false },
    'no-spread': { type: 'boolean', default: false },
    'spread-only': { type: 'boolean', default: false },
    'spread-dossiers': { type: 'string', default: '4' },
    soak: { type: 'string' },
    /** KEY=VALUE set on sohoa's environment (over `npm start`'s), to measure an option: `--env MALLOC_ARENA_MAX=1`. */
    env: { type: 'string', multiple: true, default: [] },
    'soak-dossiers': { type: 'string', default: '6' },
    out: { type: 'string', default: path.join(import.meta.dirname, '..', 'results') },
  },
});

const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
const work = await fs.mkdtemp(path.join(os.tmpdir(), 'sohoa-bench-pipeline-'));
await fs.chmod(work, 0o711); // the embedded PostgreSQL's user walks through it to its cluster
const jsonFile = path.join(values.out!, 'pipeline.json');
const previous: Partial<PipelineResults> = await fs.readFile(jsonFile, 'utf8').then((t) => JSON.parse(t) as PipelineResults, () => ({}));
const results: Partial<PipelineResults> = { ...previous, machine: machine() };
const seed = Number(values.seed);
const sohoaEnv = Object.fromEntries(values.env!.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));

/** Writes what has been measured so far: a part that fails later does not take the earlier ones with it. */
async function save(): Promise<void> {
  // Another part may have finished meanwhile: keep what it wrote, replace only what this run measured.
  const latest: Partial<PipelineResults> = await fs.readFile(jsonFile, 'utf8').then((t) => JSON.parse(t) as PipelineResults, () => ({}));
  const merged = { ...results };
  for (const part of ['single', 'peer', 'spread', 'soak'] as const) if (results[part] === previous[part]) (merged as Record<string, unknown>)[part] = latest[part];
  await fs.mkdir(values.out!, { recursive: true });
  await fs.writeFile(jsonFile, `${JSON.stringify(merged, null, 1)}\n`);
  await fs.writeFile(path.join(values.out!, 'pipeline.md'), renderPipelineReport(merged));
}

async function soak(pages: number): Promise<void> {
  log(`generating dossiers for the soak`);
  const corpus = await pipelineCorpus(path.join(import.meta.dirname, '..', 'tmp', 'pipeline'), seed, { throughput: Number(values['soak-dossiers']), probes: 0 });
  log(`soak: dropping ${corpus.throughput.length} dossiers (${corpus.throughput.reduce((s, d) => s + d.pages, 0)} pages) again and again until ${pages} pages have settled`);
  const result = await runSoak(path.join(work, 'soak'), corpus.throughput, pages, { ocrWorkers: 2, env: sohoaEnv, log });
  results.soak = { ...result, date: new Date().toISOString().slice(0, 10), seed };
  await save();
  const f = result.flatness;
  log(`soak: ${result.pages} pages in ${(result.seconds / 60).toFixed(1)} min; peak ${result.peakProcessMb} MB; ${f ? `last third ${f.lastThirdMb.toFixed(0)} MB against first third ${f.firstThirdMb.toFixed(0)} MB: ${f.flat ? 'flat' : 'NOT flat'}` : 'too few dossiers to judge'}`);
}

try {
  if (values.soak) await soak(Number(values.soak));
  else await pipelineParts();
  log(`results → ${path.relative(process.cwd(), path.join(values.out!, 'pipeline.md'))}`);
} finally {
  await fs.rm(work, { recursive: true, force: true }).catch(() => {});
}

async function pipelineParts(): Promise<void> {
  if (!values['no-peer'] && !values['spread-only']) installPeer(); // OCRmyPDF as bench:ocr runs it; before the long part, not after
  const idleCount = Number(values.idle);
  const busyCount = Number(values.busy);
  const spreadOnly = values['spread-only'];
  log('generating dossiers');
  const corpus = await pipelineCorpus(path.join(import.meta.dirname, '..', 'tmp', 'pipeline'), seed, {
    throughput: spreadOnly ? Number(values['spread-dossiers']) : Number(values.dossiers),
    probes: spreadOnly ? 0 : idleCount + busyCount,
  });
  if (!spreadOnly) {
    const idleProbes = corpus.probes.slice(0, idleCount);
    const busyProbes = corpus.probes.slice(idleCount);
    const single = await runSingle(work, { throughput: corpus.throughput, idleProbes, busyProbes }, { ocrWorkers: 2, env: sohoaEnv, log });
    results.single = { ...single, date: new Date().toISOString().slice(0, 10), seed };
    await save();
    log(`pipeline: ${single.busyPages} pages in ${single.busySeconds.toFixed(1)} s = ${single.pagesPerMinute.toFixed(1)} pages/min; peak RSS ${single.peakProcessMb} MB (tree ${single.peakTreeMb} MB)`);
    if (!values['no-peer']) {
      const pdf = await corpus.peerPdf([...corpus.throughput, ...busyProbes], path.join(work, 'peer-pages.pdf'));
      log(`OCRmyPDF on the same ${single.busyPages} pages`);
      const peer = await measure('ocrmypdf', ['-l', 'vie', '--rotate-pages', '--deskew', '--clean', '--jobs', '2', '--sidecar', path.join(work, 'peer.txt'), pdf, path.join(work, 'peer.pdf')]);
      if (peer.exitCode !== 0) throw new Error(`ocrmypdf failed (${peer.exitCode}): ${peer.stderr.slice(-2000)}`);
      results.peer = { pages: single.busyPages, seconds: peer.seconds, pagesPerMinute: single.busyPages / (peer.seconds / 60), peakRssMb: peer.peakRssMb, cpuSeconds: peer.cpuSeconds, othersShare: peer.othersShare, date: results.single.date };
      await save();
      log(`OCRmyPDF: ${peer.seconds.toFixed(1)} s = ${results.peer.pagesPerMinute.toFixed(1)} pages/min`);
    }
  }
  if (!values['no-spread']) {
    results.spread = { ...(await runSpread(work, corpus.throughput.slice(0, Number(values['spread-dossiers'])), log)), date: new Date().toISOString().slice(0, 10) };
    await save();
  }
}
