import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, loadConfig } from '@sohoa/shared';
import { startRuntime, type Runtime } from '../src/runtime.ts';
import { readCredentials } from '../src/bootstrap.ts';

/** /readyz tells a load balancer or `sohoa ingest` when requests can succeed; /healthz only that the process lives. */
describe('readiness', () => {
  let dataDir: string;
  let runtime: Runtime;

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sohoa-ready-'));
    await fs.chmod(dataDir, 0o711); // the postgres user walks through it to its cluster
    const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' });
    runtime = await startRuntime(config, createLogger('warn'), { http: true, workers: false, inbox: false });
  });
  afterAll(async () => {
    await runtime?.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('answers 503 with a reason until the first start has run, then 200 with a working token on disk', async () => {
    const credentialsFile = path.join(dataDir, 'credentials.json');
    const before = await fetch(`${runtime.url}/readyz`);
    expect(before.status).toBe(503);
    expect(await before.json()).toMatchObject({ status: 'starting', reason: expect.stringMatching(/first start/) });
    expect((await fetch(`${runtime.url}/healthz`)).status).toBe(200); // alive all the same
    expect(await readCredentials(credentialsFile)).toBeNull();

    await runtime.firstStart();
    const after = await fetch(`${runtime.url}/readyz`);
    expect(after.status).toBe(200);
    expect(await after.json()).toMatchObject({ status: 'ready', database: 'ok', queue: 'ok', objectStore: 'ok' });
    const credentials = await readCredentials(credentialsFile);
    expect(credentials).not.toBeNull();
    const authorized = await fetch(`${runtime.url}/api/v1/review`, { headers: { authorization: `Bearer ${credentials!.token}` } });
    expect(authorized.status).toBe(200);
  });
});
