// A worker thread does not inherit the main thread's TypeScript loader: it registers its own, then loads the task.
import { getPriority, setPriority } from 'node:os';
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

// On Linux this lowers this thread alone (sign-pool.ts explains why); never raises it.
if (workerData?.nice > getPriority(0)) setPriority(0, workerData.nice);
register();
const { default: run } = await import('./sign-thread.ts');
export default run;
