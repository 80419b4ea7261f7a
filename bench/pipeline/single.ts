import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@sohoa/embedded';
import { readCredentials } from '../../src/bootstrap.ts';
import { spawnSohoa, type SohoaProcess } from '../../test/helpers/stack.ts';
import type { DossierFile } from './corpus.ts';
import { cpuWindow, memoryOf } from './process-tree.ts';
import { HotFolderWatch, percentile, probeBatchReads, type DossierOutcome } from './watch.ts';

/**
 * The embedded default as a counter runs it: one `sohoa start` (its own PostgreSQL and S3 endpoint, 2 OCR
 * workers), dossiers dropped in the hot folder. Idle: the 5-page probes one after the other on an empty queue.
 * Busy: the throughput set dropped at once, then the busy probes behind it, while the clerk's status screen
 * (GET /api/v1/batches/:id) is read every 250 ms.
 */

export const UNIT = '000.00.00.H00';

/** The environment `npm start` (package.json) and infra/docker-compose.yml give the process, which the bench copies. */
export const NPM_START_ENV = { MALLOC_ARENA_MAX: '1', MALLOC_MMAP_THRESHOLD_: '1048576', NODE_OPTIONS: '--max-semi-space-size=2' };

export interface SingleResult {
  ocrWorkers: number;
  idle: DossierOutcome[];
  busy: DossierOutcome[];
  busyProbes: string[];
  /** Pages dropped in the busy phase over first drop → last record archived. */
  pagesPerMinute: number;
  busySeconds: number;
  busyPages: number;
  archivedPages: number;
  review: number;
  failed: number;
  peakProcessMb: number;
  peakTreeMb: number;
  /** RSS of the sohoa process after each dossier settled, for flatness. */
  rssTrail: number[];
  reads: { idle: number[]; busy: number[]; errors: number };
  othersShare: { idle: number; busy: number };
  cpuSeconds: { busy: number };
}

const seconds = (o: DossierOutcome) => ((o.archivedAt ?? o.settledAt!) - o.droppedAt) / 1000;
export const latency = (outcomes: DossierOutcome[]) => ({ p50: percentile(outcomes.map(seconds), 0.5), p95: percentile(outcomes.map(seconds), 0.95), all: outcomes.map(seconds) });

/** `sohoa start` as `npm start` runs it, on its own data folder, with its embedded PostgreSQL and S3 endpoint. */
export async function startOneProcess(dataDir: string, options: { ocrWorkers: number; env?: Record<string, string> }) {
  await fs.mkdir(dataDir, { recursive: true });
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', OCR_WORKERS: String(options.ocrWorkers),
    INBOX_POLL_MS: '500', INBOX_SETTLE_MS: '500', LOG_LEVEL: 'warn',
    ...NPM_START_ENV,
    ...options.env,
  };
  for (const key of ['DATABASE_URL', 'S3_ENDPOINT', 'S3_ACCESS_KEY', 'S3_SECRET_KEY']) delete env[key];
  const sohoa = await spawnSohoa(['start'], env);
  try {
    const credentials = (await readCredentials(path.join(dataDir, 'credentials.json')))!;
    return { sohoa, pid: sohoa.child.pid!, url: `http://127.0.0.1:${port}`, token: credentials.token, inbox: path.join(dataDir, 'inbox', UNIT) };
  } catch (error) {
    await sohoa.kill();
    throw error;
  }
}

/** Stops a `sohoa start` the way a counter's operator does (SIGINT), and kills it if it has not ended in 30 s. */
export async function stopOneProcess(sohoa: SohoaProcess): Promise<void> {
  const exited = new Promise((r) => sohoa.child.once('exit', r));
  if (sohoa.child.exitCode === null) sohoa.child.kill('SIGINT');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
  await sohoa.kill();
}

export async function runSingle(
  work: string,
  corpus: { throughput: DossierFile[]; idleProbes: DossierFile[]; busyProbes: DossierFile[] },
  options: { ocrWorkers: number; env?: Record<string, string>; log: (line: string) => void },
): Promise<SingleResult> {
  const { sohoa, pid, url, token, inbox } = await startOneProcess(path.join(work, 'single'), options);
  let peakProcessMb = 0;
  let peakTreeMb = 0;
  const sampler = setInterval(() => {
    const m = memoryOf(pid);
    peakProcessMb = Math.max(peakProcessMb, m.processMb);
    peakTreeMb = Math.max(peakTreeMb, m.treeMb);
  }, 200);
  const rssTrail: number[] = [];
  try {
    const watch = new HotFolderWatch(url, token, inbox);

    options.log(`idle: ${corpus.idleProbes.length} five-page dossiers one after the other`);
    const idleCpu = cpuWindow();
    let current: string | null = null;
    const idleReads = probeBatchReads(url, token, () => (current ? watch.outcomes.get(current)?.batchId ?? null : null));
    const idle: DossierOutcome[] = [];
    for (const probe of corpus.idleProbes) {
      await watch.drop(probe.file, probe.name, probe.pages);
      current = probe.name;
      const [outcome] = await watch.until([probe.name], 600_000);
      idle.push(outcome);
      rssTrail.push(Math.round(memoryOf(pid).processMb));
      options.log(`  ${probe.name}: ${seconds(outcome).toFixed(1)} s`);
    }
    const idleReadTimes = await idleReads.stop();
    const idleShare = idleCpu.othersShare();

    options.log(`busy: ${corpus.throughput.length} dossiers at once, then ${corpus.busyProbes.length} five-page dossiers behind them`);
    const busyCpu = cpuWindow();
    const first = corpus.throughput[0]!.name;
    const busyReads = probeBatchReads(url, token, () => watch.outcomes.get(first)?.batchId ?? null);
    for (const d of corpus.throughput) await watch.drop(d.file, d.name, d.pages);
    for (const probe of corpus.busyProbes) {
      await new Promise((r) => setTimeout(r, 5000));
      await watch.drop(probe.file, probe.name, probe.pages);
    }
    const names = [...corpus.throughput, ...corpus.busyProbes].map((d) => d.name);
    const seen = new Set<string>();
    const deadline = Date.now() + 1_800_000;
    for (;;) {
      await watch.poll().catch(() => undefined); // asked again next second
      if (sohoa.child.exitCode !== null) throw new Error(`sohoa ended: ${sohoa.output().slice(-3000)}`);
      for (const o of names.map((n) => watch.outcomes.get(n)!)) {
        if (o.settledAt === null || seen.has(o.name)) continue;
        seen.add(o.name);
        rssTrail.push(Math.round(memoryOf(pid).processMb));
        options.log(`  ${o.name} (${o.pages} pages) settled after ${seconds(o).toFixed(1)} s`);
      }
      if (seen.size === names.length) break;
      if (Date.now() > deadline) throw new Error('busy phase not settled within 30 min');
      await new Promise((r) => setTimeout(r, 1000));
    }
    const busy = names.map((n) => watch.outcomes.get(n)!);
    rssTrail.push(Math.round(memoryOf(pid).processMb));
    const busyReadTimes = await busyReads.stop();
    const busyShare = busyCpu.othersShare();
    const busyCpuSeconds = busyCpu.ownSeconds();
    const start = Math.min(...busy.map((o) => o.droppedAt));
    const end = Math.max(...busy.map((o) => o.archivedAt ?? o.settledAt!));
    const busyPages = busy.reduce((s, o) => s + o.pages, 0);
    return {
      ocrWorkers: options.ocrWorkers,
      idle,
      busy,
      busyProbes: corpus.busyProbes.map((p) => p.name),
      busySeconds: (end - start) / 1000,
      busyPages,
      pagesPerMinute: busyPages / ((end - start) / 60_000),
      archivedPages: busy.reduce((s, o) => s + o.archivedPages, 0),
      review: [...idle, ...busy].reduce((s, o) => s + o.review, 0),
      failed: [...idle, ...busy].reduce((s, o) => s + o.failed, 0),
      peakProcessMb: Math.round(peakProcessMb),
      peakTreeMb: Math.round(peakTreeMb),
      rssTrail,
      reads: { idle: idleReadTimes, busy: busyReadTimes, errors: idleReads.errors() + busyReads.errors() },
      othersShare: { idle: idleShare, busy: busyShare },
      cpuSeconds: { busy: busyCpuSeconds },
    };
  } finally {
    clearInterval(sampler);
    await stopOneProcess(sohoa);
  }
}

export const machine = () => `${os.availableParallelism()} cores (${os.cpus()[0]?.model.trim() ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
