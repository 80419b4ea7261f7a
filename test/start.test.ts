import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobNames, type Db } from '@sohoa/shared';
import { freePort, startEmbeddedS3, type EmbeddedPostgresHandle, type EmbeddedS3Handle } from '@sohoa/embedded';
import { readCredentials } from '../src/bootstrap.ts';
import { startOwnServices, stopOwnServices } from './helpers/own-services.ts';
import { getJson, repoRoot, spawnSohoa, uploadBatch, waitFor, type SohoaProcess } from './helpers/stack.ts';

/**
 * `sohoa start` as a process against a PostgreSQL and an S3 endpoint this test owns, so they can be stopped under
 * it: SOHOA_WORKERS=off, and /healthz when the object store or the database goes down.
 */
describe('sohoa start against a PostgreSQL and S3 of its own', () => {
  let dataDir: string;
  let postgres: EmbeddedPostgresHandle;
  let s3: EmbeddedS3Handle;
  let db: Db;
  let sohoa: SohoaProcess | null = null;
  let url: string;

  /** sohoa start with the API and hot folder only, pointed at the current PostgreSQL and S3. */
  async function startSohoa(): Promise<SohoaProcess> {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    return spawnSohoa(['start'], {
      ...process.env,
      DATA_DIR: path.join(dataDir, 'sohoa'),
      DATABASE_URL: postgres.databaseUrl,
      S3_ENDPOINT: s3.endpoint,
      S3_ACCESS_KEY: s3.accessKey,
      S3_SECRET_KEY: s3.secretKey,
      PORT: String(port),
      HOST: '127.0.0.1',
      SOHOA_WORKERS: 'off',
      INBOX_POLL_MS: '200',
      INBOX_SETTLE_MS: '300',
      LOG_LEVEL: 'warn',
    });
  }
  async function health() {
    const r = await fetch(`${url}/healthz`);
    return { status: r.status, body: (await r.json()) as Record<string, string> };
  }

  beforeAll(async () => {
    ({ dataDir, postgres, s3, db } = await startOwnServices('sohoa-start-'));
  });

  afterAll(async () => {
    await sohoa?.kill();
    await stopOwnServices({ dataDir, postgres, s3, db });
  });

  it('with SOHOA_WORKERS=off takes batches by the API and the hot folder, and works no job', async () => {
    sohoa = await startSohoa();
    expect(sohoa.output()).toMatch(/^ {2}workers: +off$/m);
    const { token } = (await readCredentials(path.join(dataDir, 'sohoa', 'credentials.json')))!;
    const scans = path.join(repoRoot, 'samples', 'scans');

    const upload = await uploadBatch(url, token, { unit: '000.00.00.H00', procedure: 'KS' }, [{ name: 'tokhai.png', bytes: await fs.readFile(path.join(scans, 'ks-tokhai-p1.png')) }]);
    expect(upload.status).toBe(202);
    const inbox = path.join(dataDir, 'sohoa', 'inbox', '000.00.00.H00', 'CT');
    await fs.mkdir(inbox, { recursive: true });
    await fs.copyFile(path.join(scans, 'skewed-seal.jpg'), path.join(inbox, 'request.jpg'));
    const inboxBatch = await waitFor('the hot folder to register the file', async () => {
      const { rows } = await db.query(`SELECT f.batch_id FROM batch_files f WHERE f.name = 'request.jpg'`);
      return rows[0]?.batch_id as string | undefined;
    });

    // Workers poll every 0.5 s: a worker in this process would have taken the split jobs long before this.
    await new Promise((r) => setTimeout(r, 3000));
    const { rows: jobs } = await db.query(`SELECT name, state FROM pgboss.job WHERE name = ANY($1)`, [jobNames]);
    expect(jobs).toEqual([
      { name: 'ingest.file', state: 'created' },
      { name: 'ingest.file', state: 'created' },
    ]);
    for (const id of [upload.body.id, inboxBatch]) expect((await getJson(`${url}/api/v1/batches/${id}`, token)).status).toBe('queued');
    const { rows: pages } = await db.query('SELECT count(*)::int AS n FROM pages');
    expect(pages[0].n).toBe(0);
  });

  it('answers /healthz 503 naming the object store when S3 is down', async () => {
    expect(await health()).toEqual({ status: 200, body: { status: 'ok', database: 'ok', queue: 'ok', objectStore: 'ok' } });
    await s3.stop();
    const down = await health();
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ status: 'unavailable', database: 'ok', queue: 'ok' });
    expect(down.body.objectStore).not.toBe('ok');
    expect(down.body.objectStore).toMatch(/ECONNREFUSED|connect|socket/i); // the cause in words
  });

  it('answers /healthz 503 naming the database and queue when PostgreSQL is down', async () => {
    // The object store back (same folder, new address) under a fresh process, so only the database fails next.
    await sohoa!.kill();
    s3 = await startEmbeddedS3(path.join(dataDir, 'services', 's3'));
    sohoa = await startSohoa();
    expect(await health()).toEqual({ status: 200, body: { status: 'ok', database: 'ok', queue: 'ok', objectStore: 'ok' } });
    await postgres.stop();
    const down = await health();
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ status: 'unavailable', objectStore: 'ok' });
    expect(down.body.database).not.toBe('ok');
    expect(down.body.queue).not.toBe('ok');
    expect(down.body.database).toMatch(/ECONNREFUSED|connect|terminat/i);
    expect(sohoa!.child.exitCode).toBeNull(); // the process lives on to say so
  });
});
