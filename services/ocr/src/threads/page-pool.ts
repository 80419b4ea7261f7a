import { Piscina } from 'piscina';
import { bundleThreadTask } from '@sohoa/shared';
import type { DecodedCode } from '../codes/code-reader.ts';
import { OcrError } from '../errors.ts';
import type { PreparedPage, PrepareOptions, RasterPage } from '../page-cleanup.ts';
import type { PageTask } from './page-thread.ts';

/**
 * Page work off the event loop: a piscina pool of worker threads runs cleanup, binarization and code reading
 * (services/ocr/src/threads/page-thread.ts), so the HTTP API keeps answering while OCR is saturated. Pixels
 * cross the thread boundary once each way (structured clone). The threads can run at a lower CPU priority (`nice`,
 * per thread on Linux): on a machine whose cores OCR keeps busy, the event loop is then scheduled ahead of them,
 * while page work takes the time it leaves.
 */
export interface PagePool {
  prepare(input: Buffer, options: PrepareOptions, signal?: AbortSignal): Promise<PreparedPage>;
  readCodes(image: Buffer): Promise<DecodedCode[]>;
  close(): Promise<void>;
}

/** Structured clone hands back Uint8Arrays; the pipeline's sharp calls want Buffers (same memory, no copy). */
const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const revive = (page: RasterPage): RasterPage => ({ ...page, pixels: asBuffer(page.pixels) });

export function createPagePool(threads: number, nice = 0): PagePool {
  // The task is bundled once per pool into plain JavaScript, so the threads carry no TypeScript loader (shared/src/thread-bundle.ts).
  const started = bundleThreadTask(new URL('./page-thread.ts', import.meta.url)).then((taskBundle) => new Piscina<PageTask, unknown>({
    filename: new URL('./page-thread.mjs', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
    concurrentTasksPerWorker: 1,
    idleTimeout: 60_000,
    workerData: { nice: process.platform === 'linux' ? nice : 0, taskBundle },
  }));
  return {
    async prepare(input, options, signal) {
      const pool = await started;
      const prepared = (await pool.run({ kind: 'prepare', input, options }, { signal }).catch((error: unknown) => {
        // The error's class stays in the thread: a page the cleanup refused is still an OcrError here.
        if (signal?.aborted) throw error;
        throw new OcrError(error instanceof Error ? error.message : String(error), { cause: error });
      })) as PreparedPage;
      return { ...prepared, cleaned: { ...prepared.cleaned, page: revive(prepared.cleaned.page) } };
    },
    async readCodes(image) {
      return (await (await started).run({ kind: 'codes', image })) as DecodedCode[];
    },
    close: async () => (await started).destroy(),
  };
}
