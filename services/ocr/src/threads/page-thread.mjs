// The thread's entry: lowers its priority, then loads the task, bundled by its pool or through tsx (shared/src/thread-task.mjs).
import { getPriority, setPriority } from 'node:os';
import { workerData } from 'node:worker_threads';
import { collectingAfterEach, loadThreadTask } from '@sohoa/shared/thread-task';

// On Linux this lowers this thread alone (page-pool.ts explains why), before any page work starts; never raises it.
if (workerData?.nice > getPriority(0)) setPriority(0, workerData.nice);
const { default: run } = await loadThreadTask(new URL('./page-thread.ts', import.meta.url).href);
// Collected fully after every page task: with the 2 s spacing the other threads keep, a page thread answering a task
// or two a second went into the next one still holding the last page's dead rasters, which only a full collection
// frees (bench/results/pipeline.md, memory options). Its heap is ~10 MB, a few ms a collection. SOHOA_PAGE_THREAD_FULL_GC_MS sets another spacing, to
// measure one against the other.
const fullAtMostEveryMs = Number(process.env.SOHOA_PAGE_THREAD_FULL_GC_MS ?? 0);
export default collectingAfterEach(run, { fullAtMostEveryMs });
