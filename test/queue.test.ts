import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDb, createLogger, migrate, Queue, withTransaction, type Db, type QueueOptions } from '@sohoa/shared';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '@sohoa/embedded';
import { ocrPageJob } from '@sohoa/ocr/jobs';
import { signDocumentJob } from '@sohoa/signer/jobs';
import { loadBatchView } from '../src/http/batch-status.ts';
import { recordingHandlers } from './helpers/queue-harness.ts';
import { waitFor } from './helpers/stack.ts';

/**
 * The queue against a real PostgreSQL (no OCR): jobs sent in a transaction, jobs given up through the dead-letter
 * queue, and jobs held by a worker process that was killed. Each test has its own database.
 */
describe('the job queue', () => {
  const log = createLogger('silent');
  let root: string;
  let pg: EmbeddedPostgresHandle;
  let databases = 0;
  const open: { stop(): Promise<unknown> }[] = [];
  let child: ChildProcess | null = null;

  const freshDatabase = async (): Promise<{ url: string; db: Db }> => {
    const name = `queue_${++databases}`;
    const admin = createDb(pg.databaseUrl, 1);
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = pg.databaseUrl.replace(/\/sohoa$/, `/${name}`);
    await migrate(url);
    const db = createDb(url, 2);
    open.push({ stop: () => db.end() });
    return { url, db };
  };
  const startQueue = async (options: QueueOptions) => {
    const queue = await Queue.start(options, log);
    open.push(queue);
    return queue;
  };
  /** A worker in another process whose ocr.page handler never returns; resolves once it has taken a job. */
  const startDoomedWorker = async (options: QueueOptions) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'helpers', 'queue-harness.ts')], {
      env: { ...process.env, QUEUE_OPTIONS: JSON.stringify(options) }, stdio: ['ignore', 'pipe', 'inherit'],
    });
    child = proc;
    let output = '';
    proc.stdout!.on('data', (d) => (output += d));
    await waitFor('the doomed worker to start', async () => output.includes('WORKING') || (proc.exitCode !== null && Promise.reject(new Error(output))), 30_000);
    return {
      active: () => waitFor('the doomed worker to take its job', async () => output.includes('ACTIVE'), 30_000),
      kill: async () => {
        proc.kill('SIGKILL');
        if (proc.exitCode === null && proc.signalCode === null) await new Promise((r) => proc.once('exit', r));
      },
    };
  };
  /** A unit, a dossier and a batch of one two-page file already split into pages, written straight into `db`. */
  const seedBatch = async (db: Db, o: { split: boolean }) => {
    const { rows: [unit] } = await db.query(`INSERT INTO units (code, name) VALUES ('000.00.00.H00', 'UBND phường Mẫu') RETURNING id`);
    const { rows: [version] } = await db.query(`INSERT INTO catalog_versions (source_sha256, document) VALUES ('x', '{}') RETURNING id`);
    const { rows: [dossier] } = await db.query(`INSERT INTO dossiers (code, unit_id, catalog_version_id) VALUES ('D1', $1, $2) RETURNING id`, [unit.id, version.id]);
    const { rows: [batch] } = await db.query(
      `INSERT INTO batches (unit_id, dossier_id, source, created_by, split_at) VALUES ($1, $2, 'upload', 'test', CASE WHEN $3 THEN now() END) RETURNING id`,
      [unit.id, dossier.id, o.split]);
    const { rows: [file] } = await db.query(
      `INSERT INTO batch_files (batch_id, position, name, size, sha256, object_key, status, page_count) VALUES ($1, 0, 'a.tif', 1, 'x', 'k', 'split', 2) RETURNING id`, [batch.id]);
    return { unit, dossier, batch, file };
  };
  const jobState = async (db: Db, name: string) =>
    (await db.query<{ state: string; output: any }>(`SELECT state, output FROM pgboss.job WHERE name = $1`, [name])).rows;

  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'sohoa-queue-'));
    await fs.chmod(root, 0o711); // the postgres user walks through it to its cluster
    pg = await startEmbeddedPostgres(path.join(root, 'postgres'), () => {});
  });
  afterEach(async () => {
    child?.kill('SIGKILL');
    child = null;
    for (const o of open.splice(0).reverse()) await o.stop().catch(() => {});
  });
  afterAll(async () => {
    await pg?.stop();
    await fs.rm(root, { recursive: true, force: true });
  });

  it('sends a job in a transaction: it exists only if the transaction commits', async () => {
    const { url, db } = await freshDatabase();
    const queue = await startQueue({ databaseUrl: url, jobTimeoutSeconds: 60, maintenanceSeconds: 60 });
    const [kept, lost] = [randomUUID(), randomUUID()];
    await withTransaction(db, (tx) => queue.send('ocr.page', { pageId: kept }, { tx }));
    await expect(withTransaction(db, async (tx) => {
      await queue.send('ocr.page', { pageId: lost }, { tx });
      throw new Error('the page row could not be written');
    })).rejects.toThrow('could not be written');
    const { rows } = await db.query(`SELECT data->>'pageId' AS page FROM pgboss.job WHERE name = 'ocr.page'`);
    expect(rows).toEqual([{ page: kept }]);
  });

  it('wakes its own idle worker once a job sent in a transaction commits: a chain of hops does not wait out the polling interval', async () => {
    const { url, db } = await freshDatabase();
    const queue = await startQueue({ databaseUrl: url, jobTimeoutSeconds: 60, maintenanceSeconds: 60 });
    // Each run of ocr.page sends the next page's job in a transaction, as a document's split → build → sign → archive do.
    const HOPS = 12;
    const started: number[] = [];
    const { handlers } = recordingHandlers({
      'ocr.page': async ({ pageId }) => {
        started.push(performance.now());
        const next = Number(pageId.slice(-2)) + 1;
        if (next < HOPS) await withTransaction(db, (tx) => queue.send('ocr.page', { pageId: `${pageId.slice(0, -2)}${String(next).padStart(2, '0')}` }, { tx }));
      },
    });
    await queue.work(handlers, {}, log);
    await new Promise((r) => setTimeout(r, 1000)); // the worker asleep in its polling interval
    await withTransaction(db, (tx) => queue.send('ocr.page', { pageId: `${randomUUID().slice(0, -2)}00` }, { tx }));
    await waitFor('the chain to end', async () => started.length === HOPS, 30_000);
    const hops = started.slice(1).map((t, i) => t - started[i]!);
    // Asleep, each hop would wait the 0.5 s interval (~5.5 s for the chain); woken, a hop is a few queries.
    expect(hops.reduce((a, b) => a + b, 0)).toBeLessThan(2500);
  });

  it('hands a job that always throws to its giveUp, with the last error in words, once its retries are spent', async () => {
    const { url, db } = await freshDatabase();
    const queue = await startQueue({ databaseUrl: url, jobTimeoutSeconds: 60, maintenanceSeconds: 60, retry: { limit: 2, delaySeconds: 0 } });
    const { handlers, runs, givenUp } = recordingHandlers({
      'document.sign': async () => {
        throw new Error('the time-stamp authority answered 503');
      },
    });
    await queue.work(handlers, {}, log);
    const documentId = randomUUID();
    await queue.send('document.sign', { documentId });

    await waitFor('the give-up', async () => givenUp.length > 0, 30_000);
    expect(runs.filter((r) => r.job === 'document.sign')).toHaveLength(3); // the first attempt and two retries
    expect(givenUp).toEqual([{ job: 'document.sign', payload: { documentId }, reason: 'the time-stamp authority answered 503' }]);
    expect(await jobState(db, 'document.sign')).toMatchObject([{ state: 'failed', output: { message: 'the time-stamp authority answered 503' } }]);
    await waitFor('the dead-letter job to complete', async () => (await jobState(db, 'document.sign.dead'))[0]?.state === 'completed', 10_000);
  });

  it('hands a job whose worker died on its last attempt to its giveUp, through the expiry and the dead-letter queue', async () => {
    const { url, db } = await freshDatabase();
    // No retry left, a 2 s expiry, and heartbeats that would take 10 minutes to call the worker dead: the expiry acts.
    const options: QueueOptions = { databaseUrl: url, jobTimeoutSeconds: 2, maintenanceSeconds: 1, deadWorkerSeconds: 600, retry: { limit: 0, delaySeconds: 0 } };
    const doomed = await startDoomedWorker(options);
    const queue = await startQueue(options);
    const pageId = randomUUID();
    await queue.send('ocr.page', { pageId });
    await doomed.active();
    await doomed.kill(); // its own handler timer dies with it: only the queue's expiry can notice

    const { handlers, runs, givenUp } = recordingHandlers();
    await queue.work(handlers, {}, log);
    await waitFor('the give-up', async () => givenUp.length > 0, 30_000);
    expect(givenUp).toEqual([{ job: 'ocr.page', payload: { pageId }, reason: 'no answer within 2 s: the worker hung or stopped' }]);
    expect(runs.filter((r) => r.job === 'ocr.page')).toHaveLength(0); // no attempt was left
    expect((await jobState(db, 'ocr.page'))[0].state).toBe('failed');
  });

  it('retries the job of a shared worker whose heartbeat stopped, long before the job timeout', async () => {
    const { url, db } = await freshDatabase();
    const options: QueueOptions = { databaseUrl: url, jobTimeoutSeconds: 600, maintenanceSeconds: 60, deadWorkerSeconds: 5, retry: { limit: 2, delaySeconds: 1 } };
    const doomed = await startDoomedWorker(options);
    const queue = await startQueue(options);
    const pageId = randomUUID();
    await queue.send('ocr.page', { pageId });
    await doomed.active();
    const { rows: held } = await db.query(`SELECT w.pid FROM worker_jobs wj JOIN workers w ON w.id = wj.worker_id`);
    expect(held).toEqual([{ pid: child!.pid }]); // the job is known to be that process's
    await doomed.kill();
    const killedAt = Date.now();

    const { handlers, runs } = recordingHandlers();
    await queue.work(handlers, {}, log);
    await waitFor('the job to run again', async () => runs.some((r) => r.job === 'ocr.page'), 30_000);
    const resumedAfter = (Date.now() - killedAt) / 1000;
    expect(resumedAfter).toBeLessThan(5 + 5); // dead after 5 s of silence, found within a heartbeat or two
    expect(runs.filter((r) => r.job === 'ocr.page')).toEqual([{ job: 'ocr.page', payload: { pageId } }]);
    await waitFor('the job to complete', async () => (await jobState(db, 'ocr.page'))[0]?.state === 'completed', 10_000);
    const { rows: workers } = await db.query(`SELECT pid FROM workers`);
    expect(workers).toEqual([{ pid: process.pid }]); // the dead worker is forgotten
    console.log(`shared worker killed: its job ran again after ${resumedAfter.toFixed(1)} s (WORKER_DEAD_SECONDS=5, JOB_TIMEOUT_SECONDS=600)`);
  });

  it('as the only worker of its database, retries at start-up the jobs a killed process left active', async () => {
    const { url, db } = await freshDatabase();
    const options: QueueOptions = { databaseUrl: url, jobTimeoutSeconds: 600, maintenanceSeconds: 60, deadWorkerSeconds: 600, retry: { limit: 2, delaySeconds: 30 } };
    const doomed = await startDoomedWorker(options);
    const queue = await startQueue({ ...options, soleWorker: true });
    const pageId = randomUUID();
    await queue.send('ocr.page', { pageId });
    await doomed.active();
    await doomed.kill();

    const restartedAt = Date.now();
    const { handlers, runs } = recordingHandlers();
    await queue.work(handlers, {}, log);
    await waitFor('the job to run again', async () => runs.some((r) => r.job === 'ocr.page'), 20_000);
    expect((Date.now() - restartedAt) / 1000).toBeLessThan(5); // not after the 30 s back-off, nor the 600 s timeout
    expect(runs.filter((r) => r.job === 'ocr.page')).toEqual([{ job: 'ocr.page', payload: { pageId } }]);
    const { rows } = await db.query(`SELECT retry_count FROM pgboss.job WHERE name = 'ocr.page'`);
    expect(rows[0].retry_count).toBe(1); // the interrupted attempt counts: a job that kills its process cannot loop forever
  });

  it('marks a page that failed for good failed with the reason, and lets its batch be split without it', async () => {
    const { url, db } = await freshDatabase();
    const queue = await startQueue({ databaseUrl: url, jobTimeoutSeconds: 60, maintenanceSeconds: 60, retry: { limit: 0, delaySeconds: 0 } });
    const { batch, file } = await seedBatch(db, { split: false });
    const { rows: pages } = await db.query(
      `INSERT INTO pages (file_id, batch_id, page_index, source_key, status) VALUES ($1, $2, 0, 'k0', 'done'), ($1, $2, 1, 'k1', 'pending') RETURNING id, status`, [file.id, batch.id]);
    const unreadable = pages.find((p) => p.status === 'pending')!.id;

    // The real give-up of ocr.page (it needs neither the object store nor the recognizer); its run always throws.
    const realGiveUp = ocrPageJob({ db, queue } as unknown as Parameters<typeof ocrPageJob>[0]).giveUp;
    const { handlers, runs } = recordingHandlers();
    handlers['ocr.page'] = { run: async () => { throw new Error('the recognizer ran out of memory'); }, giveUp: realGiveUp };
    await queue.work(handlers, {}, log);
    await queue.send('ocr.page', { pageId: unreadable });

    await waitFor('the batch to be split', async () => runs.some((r) => r.job === 'batch.split'), 30_000);
    expect(runs.filter((r) => r.job === 'batch.split')).toEqual([{ job: 'batch.split', payload: { batchId: batch.id } }]);
    const { rows: [page] } = await db.query(`SELECT status, error FROM pages WHERE id = $1`, [unreadable]);
    expect(page).toEqual({ status: 'failed', error: 'OCR failed: the recognizer ran out of memory' });
  });
  it('marks a document whose signing failed for good failed with the reason, and the batch ends done with it listed', async () => {
    const { url, db } = await freshDatabase();
    const queue = await startQueue({ databaseUrl: url, jobTimeoutSeconds: 60, maintenanceSeconds: 60, retry: { limit: 1, delaySeconds: 0 } });
    const { unit, dossier, batch, file } = await seedBatch(db, { split: true });
    const { rows: pages } = await db.query(
      `INSERT INTO pages (file_id, batch_id, page_index, source_key, status) VALUES ($1, $2, 0, 'k0', 'done'), ($1, $2, 1, 'k1', 'done') RETURNING id`, [file.id, batch.id]);
    const { rows: [archived, waiting] } = await db.query(
      `INSERT INTO documents (batch_id, dossier_id, page_ids, status, pdf_key, position)
       VALUES ($1, $2, ARRAY[$3::uuid], 'archived', 'p0', 0), ($1, $2, ARRAY[$4::uuid], 'built', 'p1', 1) RETURNING id, record_id`,
      [batch.id, dossier.id, pages[0].id, pages[1].id]);
    await db.query(
      `INSERT INTO records (id, document_id, dossier_id, unit_id, bucket, object_key, sha256, size, page_count, metadata, text, permanent, retention_from)
       VALUES ($1, $2, $3, $4, 'sohoa', 'records/r.pdf', 'x', 1, 1, '{}', '', true, current_date)`, [archived.record_id, archived.id, dossier.id, unit.id]);
    expect((await loadBatchView(db, batch.id, null))!.status).toBe('processing'); // a document is on its way

    // The real give-up of document.sign (it needs only the database); its run always throws, as a TSA that never answers.
    const realGiveUp = signDocumentJob({ db, queue } as unknown as Parameters<typeof signDocumentJob>[0]).giveUp;
    const { handlers } = recordingHandlers();
    handlers['document.sign'] = { run: async () => { throw new Error('the time-stamp authority answered 503'); }, giveUp: realGiveUp };
    await queue.work(handlers, {}, log);
    await queue.send('document.sign', { documentId: waiting.id });

    await waitFor('the batch to end', async () => (await loadBatchView(db, batch.id, null))!.status !== 'processing', 30_000);
    const view = (await loadBatchView(db, batch.id, null))!;
    expect(view.status).toBe('done');
    expect(view.records.map((r) => r.documentId)).toEqual([archived.id]);
    expect(view.failures).toEqual([{ kind: 'document', id: waiting.id, error: 'signing failed: the time-stamp authority answered 503', reasonCode: 'signing-failed' }]);
    expect(view.documents.find((d) => d.id === waiting.id)).toMatchObject({ status: 'failed', error: 'signing failed: the time-stamp authority answered 503' });
  });
});
