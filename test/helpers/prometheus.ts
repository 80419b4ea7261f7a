/**
 * A real Prometheus server (Debian's `prometheus` package; .ci/run installs it) scraping the given targets every
 * second, in a temporary folder, and its HTTP query API.
 */
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import YAML from 'yaml';
import { waitFor } from './stack.ts';

export interface Prometheus {
  url: string;
  /** An instant query: the vector's samples (labels and value). */
  query(promql: string): Promise<{ metric: Record<string, string>; value: number }[]>;
  output(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Scrapes `metricsUrl` (job `sohoa`) with the bearer token, once a second. */
export async function startPrometheus(target: { metricsUrl: string; token?: string }): Promise<Prometheus> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sohoa-prometheus-'));
  const metrics = new URL(target.metricsUrl);
  const config = {
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    scrape_configs: [{
      job_name: 'sohoa', scrape_interval: '1s', scrape_timeout: '1s', metrics_path: metrics.pathname,
      ...(target.token ? { authorization: { type: 'Bearer', credentials: target.token } } : {}),
      static_configs: [{ targets: [metrics.host] }],
    }],
  };
  await fs.writeFile(path.join(dir, 'prometheus.yml'), YAML.stringify(config), { mode: 0o600 });
  const port = await freePort();
  const child = spawn('prometheus', [
    `--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (err) => reject(new Error(`prometheus could not be started (apt-get install prometheus): ${err.message}`)));
  });
  await spawned;
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await fs.rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor('prometheus to be ready', async () => {
      if (child.exitCode !== null) throw new Error(`prometheus exited: ${output}`);
      return (await fetch(`${url}/-/ready`).catch(() => null))?.ok;
    }, 60_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    async query(promql) {
      const r = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: promql })}`);
      const body = (await r.json()) as { status: string; error?: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
      if (body.status !== 'success') throw new Error(`${promql}: ${body.error}`);
      return body.data.result.map((s) => ({ metric: s.metric, value: Number(s.value[1]) }));
    },
    output: () => output,
    stop,
  };
}
