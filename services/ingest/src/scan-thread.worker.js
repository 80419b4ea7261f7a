// The thread of scan-thread.ts: lowers its priority, then loads the reader, bundled by scan-thread.ts or through
// tsx (shared/src/thread-task.mjs).
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { loadThreadTask } from '@sohoa/shared/thread-task';

// On Linux this lowers this thread alone: reading scans yields the cores to the API's event loop (never raises it).
if (workerData?.nice > getPriority(0)) setPriority(0, workerData.nice);
const { readScan, ScanRejected } = await loadThreadTask(new URL('./scan-reader.ts', import.meta.url).href);

parentPort.on('message', async ({ id, bytes, options }) => {
  try {
    const pages = await readScan(bytes, options);
    parentPort.postMessage({ id, pages });
  } catch (error) {
    if (error instanceof ScanRejected) parentPort.postMessage({ id, rejected: error.reason });
    else parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
