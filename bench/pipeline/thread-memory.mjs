// A preload for `sohoa start` that says what its resident memory is made of, thread by thread: never loaded unless
// asked for (`--env NODE_OPTIONS=--import=…/thread-memory.mjs --env SOHOA_MEMORY_PROBE=DIR`, as
// bench/pipeline/thread-memory-report.ts explains). Node 20 runs a preload in the main thread only, so every
// `new Worker(file)` is started through bench/pipeline/thread-memory-worker.mjs, which samples the thread's own
// isolate and then loads the file the caller asked for. Each thread appends a line every SAMPLE_MS to DIR/<thread>.log.
import { appendFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { getHeapStatistics } from 'node:v8';
import workerThreads from 'node:worker_threads';

const dir = process.env.SOHOA_MEMORY_PROBE;
const SAMPLE_MS = 200;
if (dir && workerThreads.isMainThread) {
  mkdirSync(dir, { recursive: true });
  const Original = workerThreads.Worker;
  const wrapper = new URL('./thread-memory-worker.mjs', import.meta.url);
  workerThreads.Worker = class ProbedWorker extends Original {
    constructor(filename, options = {}) {
      if (options.eval) return super(filename, options);
      const target = filename instanceof URL ? filename.href : String(filename).startsWith('data:') || String(filename).startsWith('file:') ? String(filename) : new URL(`file://${filename}`).href;
      super(wrapper, { ...options, argv: [...(options.argv ?? []), `--sohoa-probe-target=${target}`] });
    }
  };
  syncBuiltinESMExports();
  const rssKb = (text, key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(text)?.[1] ?? 0);
  const timer = setInterval(() => {
    const status = readFileSync('/proc/self/status', 'utf8');
    const u = process.memoryUsage();
    const h = getHeapStatistics();
    const threads = readdirSync('/proc/self/task').length;
    // time rss heapTotal heapUsed external arrayBuffers osThreads anonRss fileRss
    appendFileSync(`${dir}/main.log`, `${Date.now()} ${rssKb(status, 'VmRSS') >> 10} ${h.total_heap_size >> 20} ${h.used_heap_size >> 20} ${u.external >> 20} ${u.arrayBuffers >> 20} ${threads} ${rssKb(status, 'RssAnon') >> 10} ${rssKb(status, 'RssFile') >> 10}\n`);
  }, SAMPLE_MS);
  timer.unref();
}
