import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createDb, createLogger, Queue, type Db } from '@sohoa/shared';
import { freePort, startEmbeddedStack } from '@sohoa/embedded';
import { readCredentials } from '../../src/bootstrap.ts';
import { spawnSohoa, waitFor, type SohoaProcess } from '../../test/helpers/stack.ts';
import type { DossierFile } from './corpus.ts';
import { NPM_START_ENV, UNIT } from './single.ts';
import { cpuWindow } from './process-tree.ts';
import { HotFolderWatch } from './watch.ts';

/**
 * Workers spread over processes against one PostgreSQL and one S3 endpoint (both in this bench process, as on a
 * deployment they are their own machines): `sohoa start` with SOHOA_WORKERS=off takes the hot folder and the API,
 * and `sohoa worker` processes do the work. Measured: the same dossiers through 1 process × 2 OCR workers and
 * 2 processes × 1; a run where a worker process is SIGKILLed while it holds a page and started again, audited
 * for pages lost and work done twice; and the queue's own cost per job with a handler that does nothing.
 */

export interface SpreadConfigResult {
  processes: number; workersEach: number; pages: number; seconds: number; pagesPerMinute: number; othersShare: number;
  /** CPU seconds of everything the bench runs (workers, API process, PostgreSQL, S3) per page: steadier than wall time on a shared machine. */
  cpuPerPage: number;
}

export interface SpreadResult {
  queue: { jobs: number; sendMs: number; fetchCompleteMs: number; perPageMs: number; cpuMsPerJob: number; othersShare: number };
  configs: SpreadConfigResult[];
  kill: {
    pages: number; contentPages: number; killedPid: number; jobsHeld: number; lostPages: number; pagesInTwoDocuments: number;
    documentsWithoutOneRecord: number; ocrJobsPerPageMax: number; retriedJobs: number; records: number; documents: number; seconds: number;
  };
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** ms per job of the queue alone: sends, then fetch + attribution + complete with a handler that returns at once. */
async function queueCost(databaseUrl: string, jobs: number): Promise<SpreadResult['queue']> {
  const log = createLogger('warn');
  const queue = await Queue.start({ databaseUrl, jobTimeoutSeconds: 60, maintenanceSeconds: 60 }, log);
  const cpu = cpuWindow();
  try {
    const sendStarted = performance.now();
    for (let i = 0; i < jobs; i++) await queue.send('ocr.page', { pageId: randomUUID() });
    const sendMs = (performance.now() - sendStarted) / jobs;
    let done = 0;
    let finished: () => void = () => {};
    const all = new Promise<void>((r) => (finished = r));
    const workStarted = performance.now();
    const noop = { run: async () => { if (++done === jobs) finished(); return { status: 'done' as const }; }, giveUp: async () => {} };
    await queue.work({ 'ocr.page': noop } as never, { 'ocr.page': 2 }, log, { only: ['ocr.page'] });
    await all;
    // Two workers fetch side by side, so the wall time per job is half each one's fetch-to-complete time.
    const fetchCompleteMs = ((performance.now() - workStarted) / jobs) * 2;
    return { jobs, sendMs, fetchCompleteMs, perPageMs: sendMs + fetchCompleteMs, cpuMsPerJob: (cpu.ownSeconds() * 1000) / jobs, othersShare: cpu.othersShare() };
  } finally {
    await queue.stop();
  }
}

async function audit(db: Db, batchIds: string[]) {
  const q = async (sql: string) => Number((await db.query<{ n: string }>(sql, [batchIds])).rows[0]?.n ?? 0);
  return {
    pages: await q(`SELECT count(*) AS n FROM pages WHERE batch_id = ANY($1)`),
    contentPages: await q(`SELECT count(*) AS n FROM pages WHERE batch_id = ANY($1) AND NOT blank`),
    lostPages: await q(`SELECT count(*) AS n FROM pages p WHERE p.batch_id = ANY($1) AND (p.status <> 'done' OR (NOT p.blank AND NOT EXISTS (
      SELECT 1 FROM documents d WHERE d.batch_id = p.batch_id AND p.id = ANY(d.page_ids) AND d.status IN ('archived', 'review'))))`),
    pagesInTwoDocuments: await q(`SELECT count(*) AS n FROM (SELECT p.id FROM pages p JOIN documents d ON p.id = ANY(d.page_ids) AND d.status <> 'merged'
      WHERE p.batch_id = ANY($1) GROUP BY p.id HAVING count(*) > 1) x`),
    documentsWithoutOneRecord: await q(`SELECT count(*) AS n FROM (SELECT d.id FROM documents d LEFT JOIN records r ON r.document_id = d.id
      WHERE d.batch_id = ANY($1) AND d.status = 'archived' GROUP BY d.id HAVING count(r.id) <> 1) x`),
    ocrJobsPerPageMax: await q(`SELECT coalesce(max(c), 0) AS n FROM (SELECT count(*) AS c FROM pgboss.job j JOIN pages p ON p.id::text = j.data->>'pageId'
      WHERE j.name = 'ocr.page' AND p.batch_id = ANY($1) GROUP BY p.id) x`),
    retriedJobs: await q(`SELECT count(*) AS n FROM pgboss.job j JOIN pages p ON p.id::text = j.data->>'pageId' WHERE j.name = 'ocr.page' AND p.batch_id = ANY($1) AND j.retry_count > 0`),
    records: await q(`SELECT count(*) AS n FROM records r JOIN documents d ON d.id = r.document_id WHERE d.batch_id = ANY($1)`),
    documents: await q(`SELECT count(*) AS n FROM documents WHERE batch_id = ANY($1) AND status <> 'merged'`),
  };
}

export async function runSpread(work: string, dossiers: DossierFile[], log: (line: string) => void): Promise<SpreadResult> {
  const dir = path.join(work, 'spread');
  await fs.mkdir(dir, { recursive: true });
  const stack = await startEmbeddedStack(path.join(dir, 'services'));
  const db = createDb(stack.databaseUrl, 2);
  const workers: SohoaProcess[] = [];
  let server: SohoaProcess | null = null;
  try {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env, DATA_DIR: path.join(dir, 'sohoa'), DATABASE_URL: stack.databaseUrl, S3_ENDPOINT: stack.s3.endpoint,
      S3_ACCESS_KEY: stack.s3.accessKey, S3_SECRET_KEY: stack.s3.secretKey, PORT: String(port), HOST: '127.0.0.1',
      INBOX_POLL_MS: '500', INBOX_SETTLE_MS: '500', LOG_LEVEL: 'warn', WORKER_DEAD_SECONDS: '5', QUEUE_MAINTENANCE_SECONDS: '2', ...NPM_START_ENV,
    };
    server = await spawnSohoa(['start'], { ...env, SOHOA_WORKERS: 'off' });
    log('queue cost: 300 jobs sent, then fetched and completed by 2 workers with a handler that does nothing');
    const queue = await queueCost(stack.databaseUrl, 300);
    log(`  send ${queue.sendMs.toFixed(2)} ms, fetch + complete ${queue.fetchCompleteMs.toFixed(2)} ms per job`);
    const credentials = (await readCredentials(path.join(dir, 'sohoa', 'credentials.json')))!;
    const url = `http://127.0.0.1:${port}`;
    const watch = new HotFolderWatch(url, credentials.token, path.join(dir, 'sohoa', 'inbox', UNIT));
    const startWorkers = async (processes: number, each: number) => {
      for (let i = 0; i < processes; i++) workers.push(await spawnSohoa(['worker'], { ...env, OCR_WORKERS: String(each) }, 'sohoa worker running'));
    };
    const stopWorkers = async () => {
      for (const w of workers.splice(0)) {
        const exited = new Promise((r) => w.child.once('exit', r));
        w.child.kill('SIGINT');
        await Promise.race([exited, settle(30_000)]);
        await w.kill();
      }
    };

    const configs: SpreadConfigResult[] = [];
    for (const [processes, each] of [[1, 2], [2, 1]] as const) {
      await startWorkers(processes, each);
      log(`${processes} process(es) × ${each} OCR worker(s): ${dossiers.length} dossiers`);
      const cpu = cpuWindow();
      const names: string[] = [];
      for (const d of dossiers) {
        const name = `p${processes}x${each}-${d.name}`;
        await watch.drop(d.file, name, d.pages);
        names.push(name);
      }
      const outcomes = await watch.until(names, 1_800_000);
      const start = Math.min(...outcomes.map((o) => o.droppedAt));
      const end = Math.max(...outcomes.map((o) => o.archivedAt ?? o.settledAt!));
      const pages = outcomes.reduce((s, o) => s + o.pages, 0);
      configs.push({ processes, workersEach: each, pages, seconds: (end - start) / 1000, pagesPerMinute: pages / ((end - start) / 60_000), othersShare: cpu.othersShare(), cpuPerPage: cpu.ownSeconds() / pages });
      log(`  ${pages} pages in ${((end - start) / 1000).toFixed(1)} s`);
      await stopWorkers();
    }

    log('kill: 2 processes × 1 OCR worker; the one holding a page is SIGKILLed and started again');
    await startWorkers(2, 1);
    const started = Date.now();
    const name = `kill-${dossiers[0]!.name}`;
    await watch.drop(dossiers[0]!.file, name, dossiers[0]!.pages);
    const holder = await waitFor('a worker process holding a page', async () => {
      const { rows } = await db.query<{ pid: number; n: string }>(
        `SELECT w.pid, (SELECT count(*) FROM worker_jobs x JOIN pgboss.job y ON y.id = x.job_id AND y.state = 'active' WHERE x.worker_id = w.id) AS n
         FROM worker_jobs wj JOIN workers w ON w.id = wj.worker_id JOIN pgboss.job j ON j.id = wj.job_id
         WHERE j.state = 'active' AND j.name = 'ocr.page' LIMIT 1`,
      );
      return rows[0] ? { pid: rows[0].pid, held: Number(rows[0].n) } : null;
    }, 300_000);
    await settle(2000); // well inside the page's recognition
    const victim = workers.findIndex((w) => w.child.pid === holder.pid);
    if (victim < 0) throw new Error(`pid ${holder.pid} is none of the worker processes`);
    await workers[victim]!.kill();
    log(`  killed pid ${holder.pid} holding ${holder.held} job(s); starting it again`);
    workers.splice(victim, 1);
    await startWorkers(1, 1);
    const [outcome] = await watch.until([name], 1_800_000);
    const checked = await audit(db, [outcome!.batchId!]);
    log(`  settled in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(checked)}`);
    await stopWorkers();
    return { queue, configs, kill: { ...checked, killedPid: holder.pid, jobsHeld: holder.held, seconds: (Date.now() - started) / 1000 } };
  } finally {
    for (const w of workers) await w.kill();
    if (server) {
      server.child.kill('SIGINT');
      await Promise.race([new Promise((r) => server!.child.once('exit', r)), settle(30_000)]);
      await server.kill();
    }
    await db.end();
    await stack.stop();
  }
}

