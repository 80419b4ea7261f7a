// A worker thread started through bench/pipeline/thread-memory.mjs: samples this isolate's heap and its memory
// outside the heap (sharp's rasters, WebAssembly memories) every 200 ms, then runs the file the caller asked for.
import { appendFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import { threadId, workerData } from 'node:worker_threads';

const flag = process.argv.findIndex((a) => a.startsWith('--sohoa-probe-target='));
const target = process.argv[flag].slice('--sohoa-probe-target='.length);
process.argv.splice(flag, 1);
const bundle = typeof workerData?.taskBundle === 'string' ? workerData.taskBundle : '';
const label = (bundle ? bundle.replace(/^.*\//, '').replace(/-[0-9a-f]{6,}.*$/, '') : target.replace(/^data:.*niced-thread.*$/, 'tesseract (niced)').replace(/^.*\//, '').slice(0, 60)) || 'unknown';
const dir = process.env.SOHOA_MEMORY_PROBE;
const timer = setInterval(() => {
  const h = getHeapStatistics();
  // time heapTotal heapUsed external label
  appendFileSync(`${dir}/t${threadId}.log`, `${Date.now()} ${h.total_heap_size >> 20} ${h.used_heap_size >> 20} ${h.external_memory >> 20} ${label}\n`);
}, 200);
timer.unref();
await import(target);
