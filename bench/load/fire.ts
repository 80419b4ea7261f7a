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

const results = await Promise.all(plan.fires.map(fire));
process.stdout.write(`${JSON.stringify(results)}\n`);
