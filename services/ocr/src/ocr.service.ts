import os from 'node:os';
import sharp from 'sharp';
import { readUpright, rotateGrey, toRotation, type OsdAnswer, type Rotation, type UprightReading } from './cleanup/orientation.ts';
import { pbm, type GreyImage } from './cleanup/raster.ts';
import type { DecodedCode } from './codes/code-reader.ts';
import type { RecognitionRaster } from './page-cleanup.ts';
import { createPagePool } from './threads/page-pool.ts';
import { pageText, wordsReadability, type OcrWord, type PageText } from './text/layout.ts';
import { TesseractPool, type TesseractSession } from './tesseract/worker-pool.ts';

/** One scanned page in, one upright archival image with its text out. */

export interface ProcessedPage {
  blank: boolean;
  image: Buffer;
  width: number;
  height: number;
  dpi: number;
  rotation: Rotation;
  skewDegrees: number;
  text: string;
  words: OcrWord[];
  confidence: number;
  /** Mean word confidence below the engine's review threshold: the clerk should look at this page. */
  lowConfidence?: boolean;
  /** How the page was cleaned and turned, for the record and the benchmark. */
  cleanup?: PageCleanupReport;
}

export interface PageCleanupReport {
  orientationDecidedBy: UprightReading<unknown>['decidedBy'] | 'blank';
  /** Readability of each orientation tried. */
  readability: Partial<Record<Rotation, number>>;
  osd?: OsdAnswer;
  specksRemoved: number;
  /** Resolution tesseract read the page at. */
  recognitionDpi: number;
}

export interface OcrEngine {
  processPage(image: Buffer, options?: { dpi?: number; signal?: AbortSignal }): Promise<ProcessedPage>;
  /** QR codes and barcodes on a page image, read off the event loop. */
  readCodes(image: Buffer): Promise<DecodedCode[]>;
  close(): Promise<void>;
}

export interface OcrEngineOptions {
  workers?: number;
  recycleAfterPages?: number;
  languages?: string[];
  /** Refuse larger images (decompression bombs, mis-set scanners). Default 100 megapixels. */
  maxInputPixels?: number;
  /** JPEG quality of the archival image. Default 85. */
  jpegQuality?: number;
  /** A first reading at or above this readability settles the orientation. Default ACCEPT_READABILITY. */
  acceptReadability?: number;
  /** Pages whose mean word confidence is below this are flagged for review. Default 80. */
  reviewConfidence?: number;
  /** Recognize at most at this resolution. Default 300 dpi. */
  recognitionMaxDpi?: number;
  /** Extra tesseract parameters for every recognizer. */
  tesseractParameters?: Record<string, string>;
  /** Niceness of the page and tesseract threads (OCR_THREAD_NICE; Linux, per thread). Default 0: as the process. */
  threadNice?: number;
  /** OCR_PAGE_MEMORY_MB: above this resident memory the page threads take one page task at a time (threads/memory-gate.ts). Default 0: off. */
  pageMemoryBoundMb?: number;
}

/** Overview for OSD: OSD wants whole-page layout, not detail. */
const OSD_SIDE = 1600;

async function png(image: GreyImage, dpi?: number): Promise<Buffer> {
  const out = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 1 } });
  return (dpi ? out.withDensity(dpi) : out).png({ compressionLevel: 1 }).toBuffer();
}

async function downscale(image: GreyImage, side: number): Promise<GreyImage> {
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 1 } })
    .resize({ width: side, height: side, fit: 'inside', withoutEnlargement: true })
    .threshold(128)
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

async function osdOf(session: TesseractSession, binary: RecognitionRaster): Promise<OsdAnswer> {
  const overview = await downscale(binary, OSD_SIDE);
  const overviewDpi = Math.max(70, Math.round((binary.dpi * overview.width) / binary.width));
  const answer = await session.detect(await png(overview, overviewDpi), overviewDpi);
  return { rotation: toRotation(answer.orientation_degrees), confidence: answer.orientation_confidence ?? 0 };
}

/** Word boxes from the recognition image back to the archival image's pixels. */
function toArchival(text: PageText, scale: number): PageText {
  if (scale === 1) return text;
  const back = (v: number) => Math.round(v / scale);
  const words = text.words.map((w) => ({ ...w, box: { x0: back(w.box.x0), y0: back(w.box.y0), x1: back(w.box.x1), y1: back(w.box.y1) } }));
  return { ...text, words };
}

/**
 * At most `limit` calls of `task` run at once; the rest wait in arrival order. (A page in flight holds its full-size
 * pixels, so the engine bounds how many it starts.)
 */
export function limitConcurrency(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next(); // the slot passes straight on: `running` stays counted
      else running--;
    }
  };
}

export async function createOcrEngine(options: OcrEngineOptions = {}): Promise<OcrEngine> {
  const pool = new TesseractPool({ ...options, parameters: options.tesseractParameters });
  await pool.start();
  const workers = Math.max(1, Math.floor(options.workers ?? os.availableParallelism()));
  // One page-work thread per tesseract worker. A page is cleaned before it asks for a tesseract worker, and one page
  // more than there are workers may be in flight: the next page's cleanup runs while every worker reads, instead of
  // a worker idling through it (bench/results/ocr-options.md, "overlap").
  const pages = createPagePool(workers, options.threadNice, options.pageMemoryBoundMb);
  const inFlight = limitConcurrency(workers + 1);
  const reviewConfidence = options.reviewConfidence ?? 80;

  async function processPage(input: Buffer, pageOptions: { dpi?: number; signal?: AbortSignal } = {}): Promise<ProcessedPage> {
    const { signal } = pageOptions;
    return inFlight(async () => {
      signal?.throwIfAborted();
      // The archival JPEG is encoded in the page thread: the full-resolution colour raster never reaches this thread.
      const prepareOptions = { dpi: pageOptions.dpi, maxInputPixels: options.maxInputPixels, recognitionMaxDpi: options.recognitionMaxDpi };
      const { cleaned, binary: prepared, images, pbm: packed } = await pages.archive(input, prepareOptions, options.jpegQuality, signal);
      const { dpi } = cleaned;
      signal?.throwIfAborted();
      if (cleaned.blank) {
        const cleanup: PageCleanupReport = { orientationDecidedBy: 'blank', readability: {}, specksRemoved: 0, recognitionDpi: 0 };
        return { blank: true, image: images[0]!, width: cleaned.width, height: cleaned.height, dpi, rotation: 0, skewDegrees: 0, text: '', words: [], confidence: 0, cleanup };
      }
      const binary = prepared!;
      const reading = await pool.run(
        (session) => readUpright<PageText>(
          {
            read: async (rotation) => {
              signal?.throwIfAborted();
              // The page thread packed the image as it lies; another way up is turned and packed here.
              const image = rotation === 0 && packed ? packed : pbm(await rotateGrey(binary, rotation));
              const result = pageText(await session.recognize(image, binary.dpi, { text: false, blocks: true }));
              return { result, readability: wordsReadability(result.words) };
            },
            osd: () => osdOf(session, binary),
          },
          cleaned.skew.lines,
          { acceptReadability: options.acceptReadability },
        ),
        signal,
      );
      signal?.throwIfAborted();
      // A page read the other way up than its thread guessed is encoded again after the tesseract worker is handed back.
      const { rotation } = reading;
      const result = toArchival(reading.result, binary.scale);
      const image = images[rotation] ?? (await pages.turned(input, prepareOptions, rotation, options.jpegQuality));
      const sideways = rotation === 90 || rotation === 270;
      return {
        blank: false,
        image,
        width: sideways ? cleaned.height : cleaned.width,
        height: sideways ? cleaned.width : cleaned.height,
        dpi,
        rotation,
        skewDegrees: cleaned.skew.degrees,
        ...result,
        lowConfidence: result.confidence < reviewConfidence,
        cleanup: {
          orientationDecidedBy: reading.decidedBy,
          readability: reading.readability,
          osd: reading.osd,
          specksRemoved: binary.specks,
          recognitionDpi: binary.dpi,
        },
      };
    });
  }

  return {
    processPage,
    readCodes: (image) => pages.readCodes(image),
    close: async () => {
      await pool.close();
      await pages.close();
    },
  };
}
