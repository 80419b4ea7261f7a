/**
 * The load generator of bench:load, in a process of its own so that sending requests does not share the server's
 * event loop. Reads its plan (JSON) from LOAD_PLAN, runs one autocannon instance per kind of request at once, and
 * prints one JSON line of results: every response's latency and status per kind (autocannon's own summary has no
 * 95th percentile), and whether each 429 carried Retry-After.
 */
import autocannon from 'autocannon';

export interface Fire {
  kind: string;
  connections: number;
  /** Cycled through by each connection. */
  paths: string[];
  /**
   * Open loop: each connection sends this many requests a second (autocannon's connectionRate) rather than the next
   * as soon as the last is answered (closed loop, when absent). A connection has one request in flight, so an answer
   * slower than the pace delays the next request: the report shows the rate reached beside the rate asked.
   */
  connectionRate?: number;
  /** A multipart upload instead of GETs: text fields and one file. */
  upload?: { fields: Record<string, string>; file: string };
}
export interface FirePlan { url: string; token: string; seconds: number; fires: Fire[] }
export interface FireResult {
  kind: string;
  latenciesMs: number[];
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  retryAfterMissing: number;
}

const plan = JSON.parse(process.env.LOAD_PLAN ?? '{}') as FirePlan;

function fire(f: Fire): Promise<FireResult> {
  const result: FireResult = { kind: f.kind, latenciesMs: [], statuses: {}, errors: 0, timeouts: 0, retryAfterMissing: 0 };
  const onResponse = (status: number, _body: string, _context: unknown, headers?: Record<string, string>) => {
    // autocannon keeps the header names as the server wrote them.
    const retryAfter = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'retry-after')?.[1];
    if (status === 429 && !retryAfter) result.retryAfterMissing++;
  };
  const headers = { authorization: `Bearer ${plan.token}` };
  // A loaded shared machine answers slowly: a slow answer is measured, not cut off at autocannon's 10 s.
  const timeout = 60;
  const options: autocannon.Options = f.upload
    ? {
        url: `${plan.url}/api/v1/batches`, method: 'POST', headers, timeout, connections: f.connections, duration: plan.seconds,
        form: { ...Object.fromEntries(Object.entries(f.upload.fields).map(([k, v]) => [k, { type: 'text', value: v }])), 'files[]': { type: 'file', path: f.upload.file } },
        requests: [{ onResponse }],
      } as autocannon.Options
    : { url: plan.url, headers, timeout, connections: f.connections, duration: plan.seconds, requests: f.paths.map((path) => ({ method: 'GET', path, onResponse })),
        ...(f.connectionRate ? { connectionRate: f.connectionRate } : {}) } as autocannon.Options;
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (err) => (err ? reject(err) : resolve(result)));
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      result.latenciesMs.push(responseTime);
      result.statuses[statusCode] = (result.statuses[statusCode] ?? 0) + 1;
    });
    instance.on('reqError', () => void result.errors++);
    (instance as unknown as NodeJS.EventEmitter).on('timeout', () => void result.timeouts++);
  });
}

/**
 * autocannon paces a rated connection per wall-clock second: at each second's tick it sends that second's requests
 * back to back, then waits. Connections started together tick together, so 50 readers × 2 reads/s arrive as one burst
 * of 100 each second, which measures the burst rather than the rate. Each open-loop reader is therefore its own
 * one-connection instance, started at its own phase of the second: arrivals spread over the second, as readers' do.
 */
async function fireSpread(f: Fire): Promise<FireResult> {
  const phases = Array.from({ length: f.connections }, (_, i) => (i * 1000) / f.connections);
  const parts = await Promise.all(phases.map(async (delayMs, i) => {
    await new Promise((r) => setTimeout(r, delayMs));
    // Each reader starts at its own place in the path list, so the kinds of record read still mix.
    const paths = f.paths.map((_, k) => f.paths[(k + i) % f.paths.length]!);
    return fire({ ...f, connections: 1, paths });
  }));
  const merged: FireResult = { kind: f.kind, latenciesMs: [], statuses: {}, errors: 0, timeouts: 0, retryAfterMissing: 0 };
  for (const part of parts) {
    merged.latenciesMs.push(...part.latenciesMs);
    for (const [status, n] of Object.entries(part.statuses)) merged.statuses[status] = (merged.statuses[status] ?? 0) + n;
    merged.errors += part.errors;
    merged.timeouts += part.timeouts;
    merged.retryAfterMissing += part.retryAfterMissing;
  }
  return merged;
}

const results = await Promise.all(plan.fires.map((f) => (f.connectionRate ? fireSpread(f) : fire(f))));
process.stdout.write(`${JSON.stringify(results)}\n`);
