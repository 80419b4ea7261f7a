// The thread of a tesseract.js worker, lowered in CPU priority before tesseract.js's own worker script loads
// (worker-pool.ts names it as workerPath, with the niceness in the query). On Linux, setpriority on "this process"
// acts on the calling thread only: the recognizer yields the cores to the API's event loop, and nothing else changes.
import { createRequire } from 'node:module';
import { getPriority, setPriority } from 'node:os';

const nice = Number(new URL(import.meta.url).searchParams.get('nice'));
if (nice > getPriority(0)) setPriority(0, nice); // lowered, never raised
createRequire(import.meta.url)('tesseract.js/src/worker-script/node/index.js');
