// The task of a worker thread, loaded inside the thread: the bundle its pool made (shared/src/thread-bundle.ts), or,
// when bundling failed, the TypeScript source through a tsx loader the thread registers for itself (a worker thread
// does not inherit the main thread's).
import { workerData } from 'node:worker_threads';

/** `source`: the task's TypeScript module, as a URL relative to the caller. */
export async function loadThreadTask(source) {
  if (workerData?.taskBundle) return import(workerData.taskBundle);
  const { register } = await import('tsx/esm/api');
  register();
  return import(source);
}
