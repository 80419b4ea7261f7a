// The thread's entry: lowers its priority, then loads the task, bundled by its pool or through tsx (shared/src/thread-task.mjs).
import { getPriority, setPriority } from 'node:os';
import { workerData } from 'node:worker_threads';
import { collectingAfterEach, loadThreadTask } from '@sohoa/shared/thread-task';

// On Linux this lowers this thread alone (page-pool.ts explains why), before any page work starts; never raises it.
if (workerData?.nice > getPriority(0)) setPriority(0, workerData.nice);
const { default: run } = await loadThreadTask(new URL('./page-thread.ts', import.meta.url).href);
export default collectingAfterEach(run);
