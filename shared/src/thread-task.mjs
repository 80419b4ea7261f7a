// The task of a worker thread, loaded inside the thread: the bundle its pool made (shared/src/source-bundle.mjs), or,
// when bundling failed, the TypeScript source through a tsx loader the thread registers for itself (a worker thread
// does not inherit the main thread's).
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { workerData } from 'node:worker_threads';

/** `source`: the task's TypeScript module, as a URL relative to the caller. */
export async function loadThreadTask(source) {
  if (workerData?.taskBundle) {
    try {
      return await import(workerData.taskBundle);
    } catch (error) {
      // Its file was removed since the pool started (shared/src/source-bundle.mjs forgets old bundles): the source, then.
      if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import(source);
}

/**
 * A full collection of this thread's heap, run once its answer is sent, when the thread holds more than
 * EXTERNAL_MB outside its heap. sharp's rasters live outside the JavaScript heap and are freed only when the small
 * Buffer objects holding them are collected. A page thread's heap is a few MB, so V8 collected it only after some
 * 64 MB of such memory had piled up, and each page thread held 100–160 MB of dead rasters at the pipeline's peak.
 * Collecting after every answer regardless cost the signing thread, whose heap holds pdf-lib and a parsed font,
 * ~40 ms a task: with the bound, a thread whose answer left little outside its heap is not collected.
 * `fullAtMostEveryMs`: between two full collections at least this long, minor ones meanwhile (a minor collection
 * frees only what died young, not rasters a page's longer work promoted). A thread whose heap is small (the page
 * threads', ~10 MB, a few ms to collect) passes 0.
 * (`gc` comes from a context made after the flag is set, so no thread or process flag is needed.)
 */
const EXTERNAL_MB = 24;
const FULL_AT_MOST_EVERY_MS = 2000;
let collect;
let lastFull = -Infinity;
export function collectWhenAnswered(fullAtMostEveryMs = FULL_AT_MOST_EVERY_MS) {
  if (collect === undefined) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc');
  }
  setImmediate(() => {
    if (getHeapStatistics().external_memory <= EXTERNAL_MB * 2 ** 20) return;
    const now = performance.now();
    if (now - lastFull < fullAtMostEveryMs) return collect({ type: 'minor' });
    lastFull = now;
    collect();
  });
}

/** The task's function, followed by a collection of this thread's heap after each answer (collectWhenAnswered). */
export function collectingAfterEach(run, { fullAtMostEveryMs = FULL_AT_MOST_EVERY_MS } = {}) {
  return async (task) => {
    try {
      return await run(task);
    } finally {
      collectWhenAnswered(fullAtMostEveryMs);
    }
  };
}
