import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '@sohoa/shared';
import { freePort } from '@sohoa/embedded';
import { readCredentials } from '../src/bootstrap.ts';
import { getJson, repoRoot, uploadBatch, waitFor, waitForBatch } from './helpers/stack.ts';

/**
 * A power cut: `sohoa start` on the embedded default (its own PostgreSQL and S3) is killed with its whole process
 * tree, PostgreSQL included, while a page is being read, with JOB_TIMEOUT_SECONDS left at 600. Started again on
 * the same data folder, it must come up despite the stale postmaster.pid, and the page held by the dead process
 * must be read again at once: the batch finishes within 30 s of the restart.
 */
describe('a power cut', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let url: string;
  let sohoa: ChildProcess | null = null;
  let token: string;
  let batchId: string;
  let interruptedPage: string;
  const pidFile = () => path.join(dataDir, 'postgres', 'cluster', 'postmaster.pid');

  /** sohoa in its own process group, as a power cut takes it: the group is what gets killed. */
  const start = () => {
    const proc = spawn('node', [path.join(repoRoot, 'bin', 'sohoa.js'), 'start'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout!.on('data', (d) => (output += d));
    proc.stderr!.on('data', (d) => (output += d));
    sohoa = proc;
    return { proc, output: () => output };
  };
  /** Polls /readyz until 200; whenever it answers 200, the first start must have written a working token. */
  const waitUntilReady = async (started: ReturnType<typeof start>) => {
    const answers: number[] = [];
    await waitFor('sohoa to be ready', async () => {
      if (started.proc.exitCode !== null) throw new Error(`sohoa exited: ${started.output()}`);
      const r = await fetch(`${url}/readyz`).catch(() => null);
      if (!r) return false;
      answers.push(r.status);
      const body = await r.json();
      if (r.status !== 200) {
        expect(body).toMatchObject({ status: 'starting', reason: expect.stringMatching(/first start/) });
        return false;
      }
      const credentials = await readCredentials(path.join(dataDir, 'credentials.json'));
      expect(credentials).not.toBeNull();
      expect((await fetch(`${url}/api/v1/review`, { headers: { authorization: `Bearer ${credentials!.token}` } })).status).toBe(200);
      return credentials!.token;
    }, 120_000);
    return answers;
  };
  /** The embedded PostgreSQL as its pid file describes it (line 4: the port). */
  const connect = async (): Promise<Db> => {
    const port = (await fs.readFile(pidFile(), 'utf8')).split('\n')[3].trim();
    const password = (await fs.readFile(path.join(dataDir, 'postgres.password'), 'utf8')).trim();
    return createDb(`postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/sohoa`, 1);
  };
  const groupAlive = (pgid: number) => {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  };

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sohoa-power-'));
    await fs.chmod(dataDir, 0o711); // the postgres user walks through it to its cluster
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    env = { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', OCR_WORKERS: '1', LOG_LEVEL: 'warn' };
    delete env.DATABASE_URL;
    delete env.S3_ENDPOINT;
    delete env.JOB_TIMEOUT_SECONDS;
  });

  afterAll(async () => {
    if (sohoa?.pid && groupAlive(sohoa.pid)) {
      process.kill(sohoa.pid, 'SIGINT'); // stops its PostgreSQL too
      await waitFor('sohoa to stop', async () => !groupAlive(sohoa!.pid!), 30_000).catch(() => process.kill(-sohoa!.pid!, 'SIGKILL'));
    }
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('first start: ready only once the first start has written a working token', async () => {
    const started = start();
    token = await waitUntilReady(started).then(async () => (await readCredentials(path.join(dataDir, 'credentials.json')))!.token);
    const upload = await uploadBatch(url, token, { unit: '000.00.00.H00', procedure: 'KS' }, [
      { name: 'ks-tokhai-p1.png', bytes: await fs.readFile(path.join(repoRoot, 'samples', 'scans', 'ks-tokhai-p1.png')) },
    ]);
    expect(upload.status).toBe(202);
    batchId = upload.body.id;
  });

  it('the whole process tree dies while a page is read', async () => {
    const db = await connect();
    interruptedPage = await waitFor('an OCR job to be running', async () => {
      const { rows } = await db.query(`SELECT data->>'pageId' AS page FROM pgboss.job WHERE name = 'ocr.page' AND state = 'active'`);
      return rows[0]?.page as string | undefined;
    }, 60_000);
    await new Promise((r) => setTimeout(r, 300));
    const pgid = sohoa!.pid!;
    process.kill(-pgid, 'SIGKILL'); // sohoa, its PostgreSQL and every backend at once
    await waitFor('every process of the tree to be gone', async () => !groupAlive(pgid), 10_000);
    await db.end();
    const stalePid = Number((await fs.readFile(pidFile(), 'utf8')).split('\n')[0]);
    expect(groupAlive(stalePid)).toBe(false); // the pid file outlived its server
  });

  it('starts again on the same data folder: the page resumes within 30 s of the restart and the batch finishes', async () => {
    const restartedAt = Date.now();
    const started = start();
    await waitUntilReady(started);
    const readyAfter = (Date.now() - restartedAt) / 1000;
    const db = await connect();
    try {
      await waitFor('the interrupted page to be read', async () => {
        const { rows } = await db.query(`SELECT status FROM pages WHERE id = $1`, [interruptedPage]);
        return rows[0]?.status === 'done';
      }, 60_000);
      const pageAfter = (Date.now() - restartedAt) / 1000;
      const batch = await waitForBatch(url, token, batchId, 60_000);
      const doneAfter = (Date.now() - restartedAt) / 1000;
      // The page's job keeps its id across attempts: its started_on is when the retry began.
      const { rows } = await db.query<{ started_on: Date; retry_count: number }>(
        `SELECT started_on, retry_count FROM pgboss.job WHERE name = 'ocr.page' AND data->>'pageId' = $1`, [interruptedPage]);
      const resumedAfter = (rows[0].started_on.getTime() - restartedAt) / 1000;
      console.log(`power cut: ready ${readyAfter.toFixed(1)} s, page resumed ${resumedAfter.toFixed(1)} s, read ${pageAfter.toFixed(1)} s, batch done ${doneAfter.toFixed(1)} s after the restart (JOB_TIMEOUT_SECONDS=600)`);
      expect(rows[0].retry_count).toBe(1); // the interrupted attempt, then the one after the restart
      expect(resumedAfter).toBeGreaterThan(0);
      expect(resumedAfter).toBeLessThan(30); // not after JOB_TIMEOUT_SECONDS (600 s)
      expect(batch.status).toBe('done');
      expect(batch.records).toHaveLength(1);
      expect(batch.failures).toEqual([]);
      // About 10 s on an idle 2-core machine (restart included); the bound leaves room for a loaded test runner.
      expect(doneAfter).toBeLessThan(45);
      const view = await getJson(`${url}/api/v1/batches/${batchId}`, token);
      expect(view.files[0]).toMatchObject({ pages: 1, pagesDone: 1, pagesFailed: 0 });
    } finally {
      await db.end();
    }
  });
});
