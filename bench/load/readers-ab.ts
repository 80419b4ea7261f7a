/**
 * node --import tsx bench/load/readers-ab.ts [--old] [--seconds S] [--only KIND]: the 50 closed-loop readers of
 * bench:load alone, against the server without OCR workers, to see where a read's time goes. Prints reads/s and
 * latencies, the event loop's delay, the pool's queue and the time of each kind of query. `--old` restores what
 * was there before the read-path work (a pool of 10, no bearer cache, every audited commit waiting for the chain
 * lock), so two runs back to back compare the two on the same machine minute.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { archivePdfs, scannedLikePdf } from '../../test/helpers/archived-records.ts';
import { startTestStack } from '../../test/helpers/stack.ts';
import { cpuWindow } from './cpu-share.ts';
import type { Fire } from './fire.ts';
import { allReads, summarize } from './report.ts';
import { fireLoad } from './spawn-fire.ts';

const { values } = parseArgs({ options: { old: { type: 'boolean' }, seconds: { type: 'string', default: '10' }, only: { type: 'string' } } });
const seconds = Number(values.seconds);
const stack = await startTestStack({ LOG_LEVEL: 'fatal', ...(values.old ? { DB_POOL_SIZE: '10', AUTH_CACHE_SECONDS: '0' } : {}) }, { workers: false });
try {
  const { db, store } = stack.runtime;
  // Before migration 1765960000000 a committing transaction waited for the chain lock whatever else held it.
  if (values.old) {
    await db.query(`CREATE OR REPLACE FUNCTION audit_chain_link() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_catalog AS $$
      BEGIN PERFORM pg_advisory_xact_lock(7310946158624403757); PERFORM audit_chain_link_waiting(); RETURN NULL; END $$`);
  }
  const records = await archivePdfs({ db, store }, await Promise.all(Array.from({ length: 20 }, (_, i) => scannedLikePdf(`tai lieu ${i}`, 150_000))));
  const batches = (await db.query<{ id: string }>('SELECT id FROM batches LIMIT 2')).rows.map((r) => r.id);
  let fires: Fire[] = [
    { kind: 'batch status', connections: 15, paths: batches.map((id) => `/api/v1/batches/${id}`) },
    { kind: 'record metadata', connections: 15, paths: records.map((id) => `/api/v1/records/${id}`) },
    { kind: 'search', connections: 10, paths: ['/api/v1/records?q=tai%20lieu', '/api/v1/records?q=ho%20so&procedure=KS', '/api/v1/records?unit=000.00.00.H00'] },
    { kind: 'PDF download', connections: 10, paths: records.map((id) => `/api/v1/records/${id}/pdf`) },
  ];
  if (values.only) fires = fires.filter((f) => f.kind === values.only).map((f) => ({ ...f, connections: 50 }));
  await fireLoad({ url: stack.url, token: stack.token, seconds: 2, fires }); // warm-up

  // Each query's time from sent to answered (pool.query uses the callback form, client.query the promise form).
  const timed = new Map<string, { n: number; ms: number }>();
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const query = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const text = typeof args[0] === 'string' ? args[0] : ((args[0] as { text?: string })?.text ?? '?');
    const key = text.replace(/\s+/g, ' ').slice(0, 80);
    const started = performance.now();
    const done = () => {
      const t = timed.get(key) ?? { n: 0, ms: 0 };
      t.n++;
      t.ms += performance.now() - started;
      timed.set(key, t);
    };
    const last = args.at(-1);
    if (typeof last === 'function') args[args.length - 1] = (...a: unknown[]) => (done(), (last as (...a: unknown[]) => void)(...a));
    const result = query.apply(this, args);
    if (result instanceof Promise) result.then(done, () => {});
    return result;
  };
  const pool = db as unknown as { waitingCount: number; totalCount: number };
  let waiting = 0;
  let samples = 0;
  const sampler = setInterval(() => void ((waiting += pool.waitingCount), samples++), 10);
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const cpu = cpuWindow();
  const used = process.cpuUsage();
  const results = await fireLoad({ url: stack.url, token: stack.token, seconds, fires });
  const server = process.cpuUsage(used);
  const share = cpu.end();
  clearInterval(sampler);
  delay.disable();
  proto.query = query;

  for (const s of [...results, allReads(results)].map(summarize)) {
    console.log(`${s.kind.padEnd(16)} ${(s.requests / seconds).toFixed(1).padStart(6)} reads/s  p50 ${s.p50.toFixed(0)}  p95 ${s.p95.toFixed(0)}  p99 ${s.p99.toFixed(0)} ms  5xx ${s.s5xx}`);
  }
  console.log(`event loop delay p50 ${(delay.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms; pool of ${pool.totalCount}, ${(waiting / samples).toFixed(1)} requests waiting for it on average`);
  console.log(`server process ${(((server.user + server.system) / 1e6 / seconds) * 100).toFixed(0)} % of one core; other processes ${(share.othersShare * 100).toFixed(1)} % of the machine, this tree ${(share.ownShare * 100).toFixed(1)} %`);
  for (const [sql, t] of [...timed].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) console.log(`${String(t.n).padStart(6)} × ${(t.ms / t.n).toFixed(1).padStart(6)} ms  ${sql}`);
} finally {
  await stack.stop();
}
