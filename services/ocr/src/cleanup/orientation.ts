/**
 * Which way up is the page? Tesseract's OSD alone is unreliable on Vietnamese (its stacked diacritics look like
 * another script) and on degraded scans, so reading the page is the orientation test. Measured on the benchmark
 * corpus, a page read the right way up scores a length-weighted word confidence of 88-96, the same page upside down
 * 33-41: the gap is wide enough to decide on. So the page is read at the likelier of the two candidates left by the
 * deskew axis, and only when that reading is poor is the other candidate read too, the better one kept. OSD is asked
 * only to order the candidates of a sideways page (90 vs 270, no prior), and to break a tie when neither reading is
 * conclusive (a page with very little text).
 */
import sharp from 'sharp';
import type { GreyImage } from './raster.ts';

export type Rotation = 0 | 90 | 180 | 270;

export interface OsdAnswer {
  /** Clockwise rotation that makes the page upright, per OSD (null: no answer). */
  rotation: Rotation | null;
  confidence: number;
}

export function toRotation(degrees: number | null | undefined): Rotation | null {
  if (degrees === null || degrees === undefined) return null;
  const d = (((Math.round(degrees / 90) * 90) % 360) + 360) % 360;
  return d as Rotation;
}

export async function rotateGrey(image: GreyImage, rotation: Rotation): Promise<GreyImage> {
  if (rotation === 0) return image;
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 1 } })
    .rotate(rotation)
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/**
 * Reading the page is the orientation test. Measured on the benchmark's tuning corpus, a page read the
 * right way up scores a length-weighted word confidence of 88.6-95.5, the wrong way up 33-44: the gap
 * is wide enough to decide on. So the page is read at the likelier of the two candidates left by the
 * deskew axis, and only when that reading is poor is the other candidate read too, the better one
 * kept. OSD is asked only to order the candidates of a sideways page (90 vs 270, no prior), and to
 * break a tie when neither reading is conclusive (a page with very little text).
 */

export interface Reading<T> {
  result: T;
  /** Length-weighted mean word confidence, 0..100. */
  readability: number;
}

export interface ReadingProbe<T> {
  /** Recognize the whole page turned clockwise by `rotation`. */
  read(rotation: Rotation): Promise<Reading<T>>;
  osd(): Promise<OsdAnswer>;
}

export interface UprightReading<T> {
  rotation: Rotation;
  result: T;
  decidedBy: 'recognition' | 'osd' | 'default';
  readability: Partial<Record<Rotation, number>>;
  osd?: OsdAnswer;
}

/**
 * A first reading at or above this readability settles the orientation. Chosen by
 * `npm run bench:ocr -- --tune` on the tuning seed's corpus (bench/results/orientation-tuning.json):
 * the middle of the thresholds (40-88) that turned every page right with fewest second readings.
 */
export const ACCEPT_READABILITY = 64;

export interface UprightOptions {
  /** A reading at or above this readability is accepted without trying the other way up. Default ACCEPT_READABILITY. */
  acceptReadability?: number;
  /** Readings closer than this are a tie, settled by OSD. Default 8. */
  tie?: number;
}

export async function readUpright<T>(
  probe: ReadingProbe<T>,
  lines: 'horizontal' | 'vertical',
  options: UprightOptions = {},
): Promise<UprightReading<T>> {
  const accept = options.acceptReadability ?? ACCEPT_READABILITY;
  const tie = options.tie ?? 8;
  let candidates: [Rotation, Rotation] = lines === 'horizontal' ? [0, 180] : [90, 270];
  let osd: OsdAnswer | undefined;
  if (lines === 'vertical') {
    osd = await probe.osd();
    if (osd.rotation === 270) candidates = [270, 90];
  }
  const [first, second] = candidates;
  const a = await probe.read(first);
  const readability: Partial<Record<Rotation, number>> = { [first]: a.readability };
  if (a.readability >= accept) return { rotation: first, result: a.result, decidedBy: 'recognition', readability, osd };
  const b = await probe.read(second);
  readability[second] = b.readability;
  if (Math.abs(a.readability - b.readability) >= tie) {
    const best = b.readability > a.readability ? { rotation: second, reading: b } : { rotation: first, reading: a };
    return { rotation: best.rotation, result: best.reading.result, decidedBy: 'recognition', readability, osd };
  }
  osd ??= await probe.osd();
  if (osd.rotation === second) return { rotation: second, result: b.result, decidedBy: 'osd', readability, osd };
  if (osd.rotation === first) return { rotation: first, result: a.result, decidedBy: 'osd', readability, osd };
  return { rotation: first, result: a.result, decidedBy: 'default', readability, osd };
}
