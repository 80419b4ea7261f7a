import sharp from 'sharp';
import { decideOrientation, densestBand, rotateGrey, toRotation, type OrientationProbe, type Rotation } from './cleanup/orientation.ts';
import type { GreyImage } from './cleanup/raster.ts';
import { archivalJpeg, cleanPage, recognitionRaster, rotateRaster } from './page-cleanup.ts';
import { pageText, readability, type OcrWord } from './text/layout.ts';
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
}

export interface OcrEngine {
  processPage(image: Buffer, options?: { dpi?: number; signal?: AbortSignal }): Promise<ProcessedPage>;
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
  /** OSD confidence at or above which its orientation is trusted without a second opinion. Default 6. */
  osdConfidence?: number;
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

function probeFor(session: TesseractSession, dpi: number, overviewScale: number): OrientationProbe {
  return {
    osd: async (image) => {
      const overviewDpi = Math.max(70, Math.round(dpi * overviewScale));
      const answer = await session.detect(await png(image, overviewDpi), overviewDpi);
      return { rotation: toRotation(answer.orientation_degrees), confidence: answer.orientation_confidence ?? 0 };
    },
    readability: async (image) => readability(await session.recognize(await png(image, dpi), dpi, { text: false, blocks: true })),
  };
}

export async function createOcrEngine(options: OcrEngineOptions = {}): Promise<OcrEngine> {
  const pool = new TesseractPool(options);
  await pool.start();

  async function processPage(input: Buffer, pageOptions: { dpi?: number; signal?: AbortSignal } = {}): Promise<ProcessedPage> {
    const { signal } = pageOptions;
    return pool.run(async (session) => {
      const cleaned = await cleanPage(input, { dpi: pageOptions.dpi, maxInputPixels: options.maxInputPixels });
      const { dpi } = cleaned;
      signal?.throwIfAborted();
      if (cleaned.blank) {
        const { page } = cleaned;
        const image = await archivalJpeg(page, dpi, options.jpegQuality);
        return { blank: true, image, width: page.width, height: page.height, dpi, rotation: 0, skewDegrees: 0, text: '', words: [], confidence: 0 };
      }
      const binary = await recognitionRaster(cleaned.page, dpi);
      const overview = await downscale(binary, OSD_SIDE);
      const orientation = await decideOrientation(
        probeFor(session, dpi, overview.width / binary.width),
        overview,
        densestBand(binary, cleaned.skew.lines),
        cleaned.skew.lines,
        { osdConfidence: options.osdConfidence },
      );
      signal?.throwIfAborted();
      const rotation = orientation.rotation;
      const page = await rotateRaster(cleaned.page, rotation);
      const upright = await rotateGrey(binary, rotation);
      const result = pageText(await session.recognize(await png(upright, dpi), dpi, { text: false, blocks: true }));
      const image = await archivalJpeg(page, dpi, options.jpegQuality);
      return {
        blank: false,
        image,
        width: page.width,
        height: page.height,
        dpi,
        rotation,
        skewDegrees: cleaned.skew.degrees,
        ...result,
      };
    }, signal);
  }

  return { processPage, close: () => pool.close() };
}
