// The task of a worker thread, loaded inside the thread: the bundle its pool made (shared/src/thread-bundle.ts), or,
// when bundling failed, the TypeScript source through a tsx loader the thread registers for itself (a worker thread
// does not inherit the main thread's).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { workerData } from 'node:worker_threads';

/** `source`: the task's TypeScript module, as a URL relative to the caller. */
export async function loadThreadTask(source) {
  if (workerData?.taskBundle) {
    try {
      return await import(workerData.taskBundle);
    } catch (error) {
      // Its file was removed since the pool started (shared/src/thread-bundle.ts forgets old bundles): the source, then.
      if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import(source);
}

/**
 * A full collection of this thread's heap, run once its answer is sent. sharp's rasters live outside the JavaScript
 * heap and are freed only when the small Buffer objects holding them are collected. A thread's heap is a few MB, so
 * V8 collected it only after some 64 MB of such memory had piled up, and each page thread held 100–160 MB of dead
 * rasters at the pipeline's peak. A collection of a heap this small takes a few milliseconds; a page, about a second.
 * (`gc` comes from a context made after the flag is set, so no thread or process flag is needed.)
 */
let collect;
export function collectWhenAnswered() {
  if (collect === undefined) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc');
  }
  setImmediate(() => collect());
}

/** The task's function, followed by a collection of this thread's heap after each answer (collectWhenAnswered). */
export function collectingAfterEach(run) {
  return async (task) => {
    try {
      return await run(task);
    } finally {
      collectWhenAnswered();
    }
  };
}
