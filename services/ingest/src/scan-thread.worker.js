// The thread of scan-thread.ts: lowers its priority, then loads the reader, bundled by scan-thread.ts or through
// tsx (shared/src/thread-task.mjs).
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { collectWhenAnswered, loadThreadTask } from '@sohoa/shared/thread-task';

// On Linux this lowers this thread alone: reading scans yields the cores to the API's event loop (never raises it).
if (workerData?.nice > getPriority(0)) setPriority(0, workerData.nice);
const { readScan, ScanRejected } = await loadThreadTask(new URL('./scan-reader.ts', import.meta.url).href);

parentPort.on('message', async ({ id, bytes, options }) => {
  try {
    const pages = await readScan(bytes, options);
    // Handed over, not copied: a copy would stay in this thread until its next collection.
    const buffers = [...new Set(pages.map((page) => page.image.buffer))];
    try {
      parentPort.postMessage({ id, pages }, buffers);
    } catch {
      parentPort.postMessage({ id, pages }); // a buffer Node keeps untransferable (its small-Buffer pool): copied instead
    }
  } catch (error) {
    if (error instanceof ScanRejected) parentPort.postMessage({ id, rejected: error.reason });
    else parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  } finally {
    collectWhenAnswered();
  }
});
