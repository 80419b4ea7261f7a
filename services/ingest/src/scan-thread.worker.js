// The thread of scan-thread.ts. Plain JavaScript: a worker thread starts without the parent's TypeScript loader,
// so it registers tsx itself before loading the reader.
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

// On Linux this lowers this thread alone: reading scans yields the cores to the API's event loop (never raises it).
if (workerData?.nice > getPriority(0)) setPriority(0, workerData.nice);
register();
const { readScan, ScanRejected } = await import('./scan-reader.ts');

parentPort.on('message', async ({ id, bytes, options }) => {
  try {
    const pages = await readScan(bytes, options);
    parentPort.postMessage({ id, pages });
  } catch (error) {
    if (error instanceof ScanRejected) parentPort.postMessage({ id, rejected: error.reason });
    else parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
