import { Piscina } from 'piscina';
import { bundleSource } from '@sohoa/shared';
import type { DecodedCode } from '../codes/code-reader.ts';
import { OcrError } from '../errors.ts';
import { memoryGate } from './memory-gate.ts';
import type { PreparedPage, PrepareOptions, RasterPage } from '../page-cleanup.ts';
import type { ArchivedPage, PageTask } from './page-thread.ts';

/**
 * Page work off the event loop: a piscina pool of worker threads runs cleanup, binarization and code reading
 * (services/ocr/src/threads/page-thread.ts), so the HTTP API keeps answering while OCR is saturated. Pixels
 * cross the thread boundary once each way (structured clone). The threads can run at a lower CPU priority (`nice`,
 * per thread on Linux): on a machine whose cores OCR keeps busy, the event loop is then scheduled ahead of them,
 * while page work takes the time it leaves.
 */
export interface PagePool {
  prepare(input: Buffer, options: PrepareOptions, signal?: AbortSignal): Promise<PreparedPage>;
  /** As prepare, with archival JPEGs (quality 0–100) encoded in the thread in place of the colour raster (ArchivedPage). */
  archive(input: Buffer, options: PrepareOptions, quality: number | undefined, signal?: AbortSignal): Promise<ArchivedPage & { images: Partial<Record<0 | 90 | 180 | 270, Buffer>>; pbm?: Buffer }>;
  /** The archival JPEG of the page turned upright by `rotation`: its cleanup done again, in the thread. */
  turned(input: Buffer, options: PrepareOptions, rotation: 0 | 90 | 180 | 270, quality: number | undefined): Promise<Buffer>;
  readCodes(image: Buffer): Promise<DecodedCode[]>;
  close(): Promise<void>;
}

/** Structured clone hands back Uint8Arrays; the pipeline's sharp calls want Buffers (same memory, no copy). */
const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const revive = (page: RasterPage): RasterPage => ({ ...page, pixels: asBuffer(page.pixels) });

async function runPage(pool: Piscina<PageTask, unknown>, task: PageTask, signal?: AbortSignal): Promise<unknown> {
  return pool.run(task, { signal }).catch((error: unknown) => {
    // The error's class stays in the thread: a page the cleanup refused is still an OcrError here.
    if (signal?.aborted) throw error;
    throw new OcrError(error instanceof Error ? error.message : String(error), { cause: error });
  });
}

/** `memoryBoundMb`: resident memory of the process above which one page task runs at a time (memory-gate.ts); 0: off. */
export function createPagePool(threads: number, nice = 0, memoryBoundMb = 0): PagePool {
  const gate = memoryGate(threads, memoryBoundMb);
  // The task is bundled once per pool into plain JavaScript, so the threads carry no TypeScript loader (shared/src/source-bundle.mjs).
  const started = bundleSource(new URL('./page-thread.ts', import.meta.url)).then((taskBundle) => new Piscina<PageTask, unknown>({
    filename: new URL('./page-thread.mjs', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
    concurrentTasksPerWorker: 1,
    idleTimeout: 60_000,
    workerData: { nice: process.platform === 'linux' ? nice : 0, taskBundle },
  }));
  return {
    async prepare(input, options, signal) {
      const prepared = (await gate.run(async () => runPage(await started, { kind: 'prepare', input, options }, signal))) as PreparedPage;
      return { ...prepared, cleaned: { ...prepared.cleaned, page: revive(prepared.cleaned.page) } };
    },
    async archive(input, options, quality, signal) {
      const archived = (await gate.run(async () => runPage(await started, { kind: 'archive', input, options, quality }, signal))) as ArchivedPage;
      const images = Object.fromEntries(Object.entries(archived.images).map(([rotation, jpeg]) => [rotation, asBuffer(jpeg)]));
      return { ...archived, images, pbm: archived.pbm && asBuffer(archived.pbm) };
    },
    async turned(input, options, rotation, quality) {
      return asBuffer((await gate.run(async () => runPage(await started, { kind: 'turned', input, options, rotation, quality }))) as Uint8Array);
    },
    async readCodes(image) {
      return (await gate.run(async () => (await started).run({ kind: 'codes', image }))) as DecodedCode[];
    },
    close: async () => (await started).destroy(),
  };
}
