/**
 * Issue 13: `docker compose up --scale worker=N` runs N stateless workers with healthchecks. Docker is not on the
 * build machines, so the compose file is read structurally (the yaml package, merge keys resolved as compose does),
 * and each healthcheck's command is run here with node against a real listener: the metrics server for the worker.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { startMetricsServer, type Queryable } from '@sohoa/shared';

const run = promisify(execFile);
const compose = YAML.parse(fs.readFileSync(path.resolve(import.meta.dirname, '..', 'infra', 'docker-compose.yml'), 'utf8'), { merge: true });
const worker = compose.services.worker;
const api = compose.services.api;

/** A healthcheck's `node -e` script, with the port it calls. */
function healthScript(service: { healthcheck: { test: string[] } }): { script: string; port: number } {
  const [kind, program, flag, script] = service.healthcheck.test;
  expect([kind, program, flag]).toEqual(['CMD', 'node', '-e']);
  return { script: script!, port: Number(/127\.0\.0\.1:(\d+)\//.exec(script!)![1]) };
}

/** Runs the script against `port` instead of the one it names; its exit code (0 healthy). */
async function exitCode(script: string, fromPort: number, toPort: number, env: NodeJS.ProcessEnv = {}): Promise<number> {
  try {
    await run(process.execPath, ['-e', script.replace(`:${fromPort}/`, `:${toPort}/`)], { env: { PATH: process.env.PATH, ...env }, timeout: 20_000 });
    return 0;
  } catch (err) {
    return (err as { code?: number }).code ?? -1;
  }
}

describe('compose: N workers with one command', () => {
  it('the worker service can be scaled: no fixed container name, no published ports, the shared database and object store', () => {
    expect(worker.command).toBe('node bin/sohoa.js worker');
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports).toBeUndefined();
    expect(worker.restart).toBe('unless-stopped');
    // `sohoa worker` refuses to start without them: every replica works the same PostgreSQL and MinIO.
    expect(worker.environment.DATABASE_URL).toMatch(/@postgres:5432\//);
    expect(worker.environment.S3_ENDPOINT).toBe('http://minio:9000');
    expect(worker.environment.SOHOA_WORKERS).toBeUndefined();
    expect(worker.depends_on.postgres).toEqual({ condition: 'service_healthy' });
    // The API alone publishes a port and runs no pipeline workers.
    expect(api.ports).toEqual(['8080:8080']);
    expect(api.environment.SOHOA_WORKERS).toBe('off');
  });

  it("the worker's healthcheck asks its metrics port with the token: healthy while it answers, unhealthy otherwise", async () => {
    const { script, port } = healthScript(worker);
    expect(port).toBe(Number(worker.environment.METRICS_PORT));
    expect(worker.healthcheck).toMatchObject({ interval: expect.any(String), retries: expect.any(Number), start_period: expect.any(String) });
    const token = 'a-token-of-at-least-16-characters';
    let databaseUp = true;
    const db = {
      query: async () => {
        if (!databaseUp) throw new Error('connection refused');
        return { rows: [] };
      },
    } as unknown as Queryable;
    const metrics = await startMetricsServer({ port: 0, host: '127.0.0.1', token, db });
    const live = Number(new URL(metrics.url).port);
    try {
      expect(await exitCode(script, port, live, { METRICS_TOKEN: token })).toBe(0);
      expect(await exitCode(script, port, live, { METRICS_TOKEN: 'another-token-of-16-characters' })).toBe(1);
      databaseUp = false; // the worker runs but cannot reach PostgreSQL
      expect(await exitCode(script, port, live, { METRICS_TOKEN: token })).toBe(1);
    } finally {
      await metrics.close();
    }
    expect(await exitCode(script, port, live, { METRICS_TOKEN: token })).toBe(1); // nothing listens
  });

  it("the API's healthcheck asks /healthz and follows its answer", async () => {
    const { script, port } = healthScript(api);
    expect(port).toBe(Number(api.environment.PORT));
    let status = 200;
    const server = http.createServer((req, res) => res.writeHead(req.url === '/healthz' ? status : 404).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const live = (server.address() as { port: number }).port;
    try {
      expect(await exitCode(script, port, live)).toBe(0);
      status = 503;
      expect(await exitCode(script, port, live)).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
