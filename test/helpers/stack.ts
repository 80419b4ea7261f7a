import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { createLogger, loadConfig } from '@sohoa/shared';
import { startRuntime, type Runtime } from '../../src/runtime.ts';
import { readCredentials } from '../../src/bootstrap.ts';

export const run = promisify(execFile);
export const repoRoot = path.resolve(import.meta.dirname, '..', '..');

export interface TestStack {
  runtime: Runtime;
  dataDir: string;
  url: string;
  token: string;
  /** Every line the runtime logged, when started with `captureLogs` (then nothing goes to stderr). */
  logLines: string[];
  stop(): Promise<void>;
}

export interface TestStackOptions {
  /** Keep the runtime's log lines in `logLines` instead of writing them to stderr, e.g. to search them for secrets. */
  captureLogs?: boolean;
  /** false: no pipeline workers (no OCR engine to start), for tests of what happens before them. Default true. */
  workers?: boolean;
  /** With `workers: false`: still run the webhook relay and deliveries (no OCR engine needed). */
  webhooks?: boolean;
}

/** The real thing, in this process: embedded PostgreSQL and S3, workers, API and hot folder, in a fresh data folder. */
export async function startTestStack(env: Record<string, string> = {}, options: TestStackOptions = {}): Promise<TestStack> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sohoa-test-'));
  const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', INBOX_POLL_MS: '200', INBOX_SETTLE_MS: '300', LOG_LEVEL: 'warn', OCR_WORKERS: '2', REVIEW_UNDO_SECONDS: '0', OUTBOUND_ALLOW_PRIVATE: 'on', ...env }); // the test PKI's responders listen on loopback
  const logLines: string[] = [];
  // pino writes one JSON line per write() to a plain { write } destination.
  const log = options.captureLogs ? createLogger(config.logLevel, 'sohoa', { write: (line: string) => void logLines.push(line) }) : createLogger(config.logLevel);
  const runtime = await startRuntime(config, log, { http: true, workers: options.workers ?? true, inbox: true, webhooks: options.webhooks });
  await runtime.firstStart();
  const credentials = (await readCredentials(path.join(dataDir, 'credentials.json')))!;
  return {
    runtime,
    dataDir,
    url: runtime.url!,
    token: credentials.token,
    logLines,
    async stop() {
      await runtime.stop();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function uploadBatch(url: string, token: string, fields: Record<string, string>, files: { name: string; bytes: Buffer }[]): Promise<{ status: number; body: any }> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  for (const f of files) form.append("files[]", new Blob([new Uint8Array(f.bytes)]), f.name);
  const r = await fetch(`${url}/api/v1/batches`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, body: await r.json() };
}

export async function getJson(url: string, token: string): Promise<any> {
  const r = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (!r.ok) throw new Error(`${url}: ${r.status}`);
  return r.json();
}

/** Polls a batch until it ends (done or failed). */
export async function waitForBatch(url: string, token: string, id: string, timeoutMs = 240_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await getJson(`${url}/api/v1/batches/${id}`, token);
    if (view.status === 'done' || view.status === 'failed') return view;
    if (Date.now() > deadline) throw new Error(`batch ${id} still ${view.status} after ${timeoutMs} ms: ${JSON.stringify(view)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Polls a batch until it has been cut into documents and each has ended or waits for the clerk's review. */
export async function waitForSplit(url: string, token: string, id: string, timeoutMs = 240_000): Promise<any> {
  return waitFor('the batch to be split', async () => {
    const view = await getJson(`${url}/api/v1/batches/${id}`, token);
    return view.split && view.documents.every((d: any) => ['review', 'archived', 'failed', 'merged'].includes(d.status)) ? view : null;
  }, timeoutMs);
}

export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Words of a ground-truth file, normalized the way a reader compares them. */
export function words(text: string): string[] {
  return text.normalize('NFC').split(/\s+/).filter((w) => w.length > 0);
}

/** An NSS database that trusts the given CA, for pdfsig. */
export async function nssTrusting(caPem: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sohoa-nss-'));
  await run('certutil', ['-N', '-d', `sql:${dir}`, '--empty-password']);
  await run('certutil', ['-A', '-d', `sql:${dir}`, '-n', 'sohoa-test-ca', '-t', 'CT,C,C', '-i', caPem]);
  return dir;
}

export interface SohoaProcess { child: ChildProcess; output(): string; kill(): Promise<void> }

/** `sohoa <command>` as its own process (the real CLI and start-up), once it has printed `ready`. */
/** SOHOA_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) go to node before the script: how a bench run is profiled. */
export async function spawnSohoa(args: string[], env: NodeJS.ProcessEnv, ready = 'sohoa is running'): Promise<SohoaProcess> {
  const child = spawn('node', [...(env.SOHOA_NODE_ARGS?.split(' ').filter(Boolean) ?? []), path.join(repoRoot, 'bin', 'sohoa.js'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  };
  try {
    await waitFor(`sohoa ${args[0]} to start`, async () => output.includes(ready) || (child.exitCode !== null && Promise.reject(new Error(output))), 90_000);
  } catch (err) {
    await kill();
    throw err;
  }
  return { child, output: () => output, kill };
}
