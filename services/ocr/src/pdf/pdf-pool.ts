import { Piscina } from 'piscina';
import { bundleSource } from '@sohoa/shared';
import type { ProcessedPage } from '../ocr.service.ts';
import type { PdfTask } from './pdf-thread.ts';
import type { PdfMetadata } from './searchable-pdf.ts';

/**
 * Searchable PDFs assembled off the event loop. Laying out every word of the text layer (fontkit) and writing the
 * PDF held the event loop about 180 ms a page, enough to stall every API request behind a document being built. One
 * piscina thread (services/ocr/src/pdf/pdf-thread.ts), started by the first document and ended after a minute
 * without one; on Linux it can run at a lower CPU priority (nice, per thread), as the OCR threads do.
 */
export interface PdfPool {
  build(pages: ProcessedPage[], metadata: PdfMetadata): Promise<Uint8Array>;
  close(): Promise<void>;
}

export function createPdfPool(nice = 0): PdfPool {
  let pool: Promise<Piscina<PdfTask, Uint8Array>> | null = null;
  return {
    async build(pages, metadata) {
      // Bundled into plain JavaScript when the pool starts, so the thread carries no TypeScript loader (shared/src/source-bundle.mjs).
      pool ??= bundleSource(new URL('./pdf-thread.ts', import.meta.url)).then((taskBundle) => new Piscina<PdfTask, Uint8Array>({
        filename: new URL('./pdf-thread.mjs', import.meta.url).href,
        minThreads: 0,
        maxThreads: 1,
        idleTimeout: 60_000,
        workerData: { nice: process.platform === 'linux' ? nice : 0, taskBundle },
      }));
      return (await pool).run({ pages, metadata });
    },
    close: async () => {
      const started = pool;
      pool = null;
      await (await started)?.destroy();
    },
  };
}
