import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectObjectStore, createDb, type Db, type ObjectStore } from '@sohoa/shared';
import { freePort, startEmbeddedStack, type EmbeddedStack } from '@sohoa/embedded';
import { readCredentials } from '../src/bootstrap.ts';
import { repoRoot, uploadBatch, waitFor, waitForBatch } from './helpers/stack.ts';

/**
 * The worker process is killed (SIGKILL) in the middle of OCR and started again: the batch must finish with
 * every page archived exactly once. PostgreSQL and S3 live in this test process, so only sohoa dies.
 */
describe('a worker crash', () => {
  let stack: EmbeddedStack;
  let dataDir: string;
  let db: Db;
  let store: ObjectStore;
  let child: ChildProcess | null = null;
  let env: NodeJS.ProcessEnv;
  let url: string;

  const startSohoa = async () => {
    const proc = spawn('node', [path.join(repoRoot, 'bin', 'sohoa.js'), 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout!.on('data', (d) => (output += d));
    proc.stderr!.on('data', (d) => (output += d));
    await waitFor('sohoa to start', async () => output.includes('sohoa is running') || (proc.exitCode !== null && Promise.reject(new Error(output))), 90_000);
    return proc;
  };

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sohoa-crash-'));
    await fs.chmod(dataDir, 0o711); // the postgres user walks through it to its cluster
    stack = await startEmbeddedStack(path.join(dataDir, 'services'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    env = {
      ...process.env,
      DATA_DIR: path.join(dataDir, 'sohoa'),
      DATABASE_URL: stack.databaseUrl,
      S3_ENDPOINT: stack.s3.endpoint,
      S3_ACCESS_KEY: stack.s3.accessKey,
      S3_SECRET_KEY: stack.s3.secretKey,
      PORT: String(port),
      HOST: '127.0.0.1',
      OCR_WORKERS: '1',
      JOB_TIMEOUT_SECONDS: '10', // a job held by a dead worker comes back after this
      QUEUE_MAINTENANCE_SECONDS: '2',
      LOG_LEVEL: 'warn',
    };
    db = createDb(stack.databaseUrl, 2);
    store = await connectObjectStore({ ...stack.s3, bucket: 'sohoa', region: 'us-east-1' });
  });

  afterAll(async () => {
    child?.kill('SIGKILL');
    await db?.end();
    await stack?.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('loses no page and archives each page once', async () => {
    child = await startSohoa();
    const credentials = (await readCredentials(path.join(env.DATA_DIR!, 'credentials.json')))!;
    const scans = path.join(repoRoot, 'samples', 'scans');
    const upload = await uploadBatch(url, credentials.token, { unit: '000.00.00.H00', procedure: 'KS' }, [
      { name: 'dossier-ks.tif', bytes: await fs.readFile(path.join(scans, 'dossier-ks.tif')) },
      { name: 'ks-tokhai-p1.png', bytes: await fs.readFile(path.join(scans, 'ks-tokhai-p1.png')) },
    ]);
    expect(upload.status).toBe(202);

    // Kill while a page is being recognized and others still wait.
    const interruptedPage = await waitFor('an OCR job to be running', async () => {
      const { rows } = await db.query(`SELECT data->>'pageId' AS page FROM pgboss.job WHERE name = 'ocr.page' AND state = 'active' LIMIT 1`);
      return rows[0]?.page as string | undefined;
    });
    await new Promise((r) => setTimeout(r, 800));
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    const { rows: before } = await db.query(`SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending FROM pages`);
    expect(before[0].pending).toBeGreaterThan(0);
    const { rows: cut } = await db.query(`SELECT status FROM pages WHERE id = $1`, [interruptedPage]);
    expect(cut[0].status).toBe('pending'); // its OCR really was cut off

    child = await startSohoa();
    const batch = await waitForBatch(url, credentials.token, upload.body.id, 300_000);
    expect(batch.status).toBe('done');
    expect(batch.records).toHaveLength(3); // the declaration and the birth certificate of the TIFF, and the PNG's declaration

    const { rows: pages } = await db.query(`SELECT id, status FROM pages`);
    expect(pages).toHaveLength(4);
    expect(pages.every((p) => p.status === 'done')).toBe(true);
    const { rows: docs } = await db.query(`SELECT page_ids FROM documents`);
    const archivedPageIds = docs.flatMap((d) => d.page_ids as string[]);
    expect(new Set(archivedPageIds).size).toBe(archivedPageIds.length); // no page in two documents
    const { rows: records } = await db.query(`SELECT object_key FROM records`);
    expect(records).toHaveLength(3);
    expect((await store.list('records/')).sort()).toEqual(records.map((r) => r.object_key).sort()); // no stray second copy
  });
});
