import http from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Queryable } from './db.ts';
import { jobNames } from './jobs.ts';
import { BOSS_SCHEMA } from './queue-workers.ts';

/**
 * The process's Prometheus metrics (prom-client). Counters and histograms count what happens in this process: each
 * process (API, every `sohoa worker`) serves its own on METRICS_PORT and Prometheus scrapes each one (sum them in
 * PromQL). What lives in the database (queue depth, the oldest job's age) is read at scrape time by each process alike
 * (take the max across instances, not the sum). Any module may count here, e.g. `metrics.webhookFailures.inc()`.
 */
export const metricsRegistry = new Registry();

export const metrics = {
  /** Pages OCR'd (blank ones included): pages per minute = `rate(sohoa_ocr_pages_total[5m]) * 60`. */
  ocrPages: new Counter({ name: 'sohoa_ocr_pages_total', help: 'Pages recognized (OCR), blank pages included', registers: [metricsRegistry] }),
  /** Mean word confidence of each page that is not blank, 0-100. */
  ocrConfidence: new Histogram({
    name: 'sohoa_ocr_page_confidence', help: 'Mean word confidence (0-100) of each recognized page that is not blank',
    buckets: [10, 20, 30, 40, 50, 60, 70, 80, 85, 90, 95, 100], registers: [metricsRegistry],
  }),
  /** Documents cut from batches by outcome: `matched` goes on to be signed, `review` waits for a clerk. */
  documentsSplit: new Counter({
    name: 'sohoa_documents_split_total', help: 'Documents cut from batches, by outcome: matched (goes on) or review (waits for a clerk)',
    labelNames: ['outcome'] as const, registers: [metricsRegistry],
  }),
  /** Signing that did not give a signed document: `refused` (certificate/PDF problem, document failed), `retry` (thrown), `given-up`. */
  signingFailures: new Counter({
    name: 'sohoa_signing_failures_total', help: 'Signing attempts that failed: refused (document failed), retry (will be tried again), given-up (retries exhausted)',
    labelNames: ['outcome'] as const, registers: [metricsRegistry],
  }),
  /** Records a fixity check found not intact, by status (changed, missing, signature…). */
  fixityFailures: new Counter({
    name: 'sohoa_fixity_failures_total', help: 'Record objects a fixity check found not intact, by status',
    labelNames: ['status'] as const, registers: [metricsRegistry],
  }),
  /** Webhook deliveries that failed (an attempt that will be retried or one that gave up): `metrics.webhookFailures.inc()`. */
  webhookFailures: new Counter({
    name: 'sohoa_webhook_delivery_failures_total', help: 'Webhook delivery attempts that failed (the receiver refused, timed out or could not be reached)',
    registers: [metricsRegistry],
  }),
  /** Every job a handler ran in this process, by queue and outcome (done, skipped, failed, error = thrown). */
  jobs: new Counter({
    name: 'sohoa_jobs_total', help: 'Jobs run by this process, by queue and outcome (done, skipped, failed, error: thrown and retried or given up)',
    labelNames: ['queue', 'outcome'] as const, registers: [metricsRegistry],
  }),
  jobDuration: new Histogram({
    name: 'sohoa_job_duration_seconds', help: 'How long a job handler ran, by queue',
    labelNames: ['queue'] as const, buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300], registers: [metricsRegistry],
  }),
  /** HTTP answers by route pattern (`/api/v1/records/:id`, never the raw URL), method and status. */
  httpDuration: new Histogram({
    name: 'sohoa_http_request_duration_seconds', help: 'HTTP request latency, by route pattern, method and status',
    labelNames: ['route', 'method', 'status'] as const, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [metricsRegistry],
  }),
};

let defaultsCollected = false;

/** The state of every queue as the database holds it now (created/retry = waiting, active), dead-letter queues too. */
export async function queueState(db: Queryable): Promise<{ queue: string; waiting: number; active: number; oldestSeconds: number }[]> {
  const names = jobNames.flatMap((n) => [n, `${n}.dead`]);
  const { rows } = await db.query<{ queue: string; waiting: number; active: number; oldest: number | null }>(
    `SELECT q.name AS queue,
            count(j.id) FILTER (WHERE j.state IN ('created', 'retry'))::int AS waiting,
            count(j.id) FILTER (WHERE j.state = 'active')::int AS active,
            extract(epoch FROM now() - min(j.created_on) FILTER (WHERE j.state IN ('created', 'retry')))::float8 AS oldest
       FROM unnest($1::text[]) AS q(name)
       LEFT JOIN ${BOSS_SCHEMA}.job j ON j.name = q.name AND j.state IN ('created', 'retry', 'active')
      GROUP BY q.name ORDER BY q.name`,
    [names],
  );
  return rows.map((r) => ({ queue: r.queue, waiting: r.waiting, active: r.active, oldestSeconds: Math.max(0, r.oldest ?? 0) }));
}

/** Gauges read from the database when Prometheus scrapes (not counted in this process): the queues, one query a scrape. */
function databaseGauges(db: Queryable): { registry: Registry; metrics(): Promise<string> } {
  const registry = new Registry();
  const gauge = (name: string, help: string) => new Gauge({ name, help, labelNames: ['queue'] as const, registers: [registry] });
  const waiting = gauge('sohoa_queue_waiting_jobs', 'Jobs waiting in each queue (created, or failed and to be retried), read from the database at scrape time');
  const active = gauge('sohoa_queue_active_jobs', 'Jobs being worked in each queue, read from the database at scrape time');
  const oldest = gauge('sohoa_queue_oldest_job_age_seconds', 'Age of the oldest waiting job of each queue (0: none waits), read from the database at scrape time');
  return {
    registry,
    async metrics() {
      const state = await queueState(db);
      for (const q of state) {
        waiting.set({ queue: q.queue }, q.waiting);
        active.set({ queue: q.queue }, q.active);
        oldest.set({ queue: q.queue }, q.oldestSeconds);
      }
      return registry.metrics();
    },
  };
}

export interface MetricsServerOptions {
  port: number;
  host: string;
  /** When set, a scrape must send `Authorization: Bearer <token>` (METRICS_TOKEN). */
  token?: string;
  /** Where the queue gauges are read from. */
  db: Queryable;
}

export interface MetricsServer { url: string; close(): Promise<void> }

/** The exposition: this process's counters and the database's gauges, in Prometheus text format. */
export async function metricsText(db: Queryable): Promise<string> {
  const [own, database] = await Promise.all([metricsRegistry.metrics(), databaseGauges(db).metrics()]);
  return own + database;
}

const sameSecret = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * GET /metrics on its own port (METRICS_PORT), apart from the API: every process serves one, the workers' too
 * (they have no API). Anything else answers 404; a wrong or missing bearer token, 401.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  if (!defaultsCollected) {
    collectDefaultMetrics({ register: metricsRegistry }); // process_*, nodejs_* (memory, event loop lag, GC)
    defaultsCollected = true;
  }
  const gauges = databaseGauges(options.db);
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    if (options.token) {
      const given = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
      if (!sameSecret(given, options.token)) return void res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' }).end('unauthorized\n');
    }
    Promise.all([metricsRegistry.metrics(), gauges.metrics()]).then(
      ([own, database]) => res.writeHead(200, { 'content-type': metricsRegistry.contentType }).end(own + database),
      (err: Error) => res.writeHead(503, { 'content-type': 'text/plain' }).end(`metrics unavailable: ${err.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
