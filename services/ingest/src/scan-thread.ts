/**
 * Reading scans in worker threads. MuPDF is WebAssembly and runs synchronously: a 3600 × 3600 pt PDF page
 * rasterized on the main thread held `/healthz` for 6 s. In a thread the event loop stays free, a file that takes
 * too long is stopped, and one that exhausts the thread's heap ends the thread, not the server: either way the file
 * is refused with a reason and the batch goes on. Threads are kept for the next file (starting one costs about a
 * second), and ended after a number of files or when idle, so that the memory a large file made MuPDF grow is given
 * back.
 */
import { Worker } from 'node:worker_threads';
import { bundleSource } from '@sohoa/shared';
import { ScanRejected, type ScanPage, type ScanReaderOptions } from './scan-reader.ts';

export interface ScanThreadSettings {
  /** Threads reading at once; more files wait. */
  threads?: number;
  /** A file not read within this long is refused (a bomb that slipped past the header checks, a hostile PDF). */
  timeoutMs?: number;
  /** A thread's JavaScript heap; decoded pixels live outside it, bounded by the pixel limits. */
  heapMb?: number;
  /** A thread is ended after reading this many files, and after this long without one. */
  filesPerThread?: number;
  idleMs?: number;
  /** Niceness of the threads (Linux, per thread), so reading scans yields the cores to the API's event loop; 0: as the process. */
  nice?: number;
}

type Answer = { id: number; pages: ScanPage[] } | { id: number; rejected: string } | { id: number; error: string };

interface Thread { worker: Worker; files: number; idleTimer?: NodeJS.Timeout }

const WORKER = new URL('./scan-thread.worker.js', import.meta.url);

export interface ScanThreads {
  read(bytes: Uint8Array, options?: ScanReaderOptions): Promise<ScanPage[]>;
  close(): Promise<void>;
}

export function scanThreads(settings: ScanThreadSettings = {}): ScanThreads {
  const { threads = 2, timeoutMs = 120_000, heapMb = 512, filesPerThread = 25, idleMs = 30_000, nice = 0 } = settings;
  const idle: Thread[] = [];
  const waiting: Array<(thread: Thread) => void> = [];
  let running = 0;
  let nextId = 0;
  // The reader is bundled into plain JavaScript by the first file, so the threads carry no TypeScript loader (shared/src/source-bundle.mjs).
  let taskBundle: Promise<string | null> | undefined;

  const end = (thread: Thread): void => {
    clearTimeout(thread.idleTimer);
    void thread.worker.terminate();
  };

  async function take(): Promise<Thread> {
    if (idle.length > 0) {
      const thread = idle.pop()!;
      clearTimeout(thread.idleTimer);
      return thread;
    }
    if (running < threads) {
      running++;
      const workerData = { nice: process.platform === 'linux' ? nice : 0, taskBundle: await (taskBundle ??= bundleSource(new URL('./scan-reader.ts', import.meta.url))) };
      const worker = new Worker(WORKER, { resourceLimits: { maxOldGenerationSizeMb: heapMb }, workerData });
      worker.unref();
      return { worker, files: 0 };
    }
    return new Promise((resolve) => waiting.push(resolve));
  }

  /** Back to the pool, or ended (spent, or broken): a waiting file gets it, or a new thread in its place. */
  function give(thread: Thread, healthy: boolean): void {
    if (!healthy || thread.files >= filesPerThread) {
      end(thread);
      running--;
      const next = waiting.shift();
      if (next) void take().then(next);
      return;
    }
    const next = waiting.shift();
    if (next) return next(thread);
    thread.idleTimer = setTimeout(() => {
      const at = idle.indexOf(thread);
      if (at >= 0) idle.splice(at, 1);
      end(thread);
      running--;
    }, idleMs);
    thread.idleTimer.unref();
    idle.push(thread);
  }

  async function read(bytes: Uint8Array, options: ScanReaderOptions = {}): Promise<ScanPage[]> {
    const thread = await take();
    thread.files++;
    const id = nextId++;
    return new Promise<ScanPage[]>((resolve, reject) => {
      const { worker } = thread;
      let done = false;
      const cleanup = (healthy: boolean): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        give(thread, healthy);
      };
      const onMessage = (answer: Answer): void => {
        if (answer.id !== id || done) return;
        cleanup(true);
        if ('pages' in answer) resolve(answer.pages.map((page) => ({ ...page, image: Buffer.from(page.image.buffer, page.image.byteOffset, page.image.byteLength) })));
        else if ('rejected' in answer) reject(new ScanRejected(answer.rejected));
        else reject(new Error(answer.error));
      };
      const onError = (error: Error & { code?: string }): void => {
        if (done) return;
        cleanup(false);
        reject(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new ScanRejected('reading the file needs more memory than one file is allowed') : error);
      };
      const onExit = (code: number): void => {
        if (done) return;
        cleanup(false);
        reject(new ScanRejected(`the reader of this file stopped (exit code ${code}) before it was read`));
      };
      const timer = setTimeout(() => {
        if (done) return;
        cleanup(false);
        reject(new ScanRejected(`not read within ${Math.round(timeoutMs / 1000)} s: the file is too complex to read`));
      }, timeoutMs);
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
      worker.postMessage({ id, bytes, options });
    });
  }

  async function close(): Promise<void> {
    for (const thread of idle.splice(0)) end(thread);
  }

  return { read, close };
}
