import sharp from 'sharp';
import type { GreyImage } from './raster.ts';

/**
 * Which way up is the page? Tesseract's OSD answers quickly but is unreliable on Vietnamese (its
 * stacked diacritics look like another script) and on degraded scans; a wrong answer comes with low
 * confidence. So: trust OSD only when it is confident and agrees with the direction of the text lines
 * found by deskew; otherwise recognize the same patch of text at both candidate rotations and keep the
 * one tesseract reads with more confidence.
 */

export type Rotation = 0 | 90 | 180 | 270;

export interface OsdAnswer {
  /** Clockwise rotation that makes the page upright, per OSD (null: no answer). */
  rotation: Rotation | null;
  confidence: number;
}

export interface OrientationProbe {
  osd(image: GreyImage): Promise<OsdAnswer>;
  /** Mean word confidence (0..100) when recognizing `image` as it is. */
  readability(image: GreyImage): Promise<number>;
}

export interface OrientationDecision {
  rotation: Rotation;
  decidedBy: 'osd' | 'recognition' | 'default';
  osd: OsdAnswer;
  readability?: Partial<Record<Rotation, number>>;
}

export interface OrientationOptions {
  /** OSD confidence at or above which its answer is taken. Default 6 (right answers measured 6.5-13.5, a wrong one 3.6). */
  osdConfidence?: number;
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
 * The band of the page with the most ink, across the text lines: enough text to judge by, small
 * enough to recognize twice quickly.
 */
export function densestBand(image: GreyImage, lines: 'horizontal' | 'vertical', share = 0.2): GreyImage {
  const { width, height, data } = image;
  const along = lines === 'horizontal' ? height : width;
  const profile = new Float64Array(along);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (data[y * width + x] < 128) profile[lines === 'horizontal' ? y : x]++;
    }
  }
  const band = Math.max(1, Math.round(along * share));
  let sum = 0;
  for (let i = 0; i < band; i++) sum += profile[i];
  let best = sum;
  let start = 0;
  for (let i = band; i < along; i++) {
    sum += profile[i] - profile[i - band];
    if (sum > best) {
      best = sum;
      start = i - band + 1;
    }
  }
  const out: GreyImage =
    lines === 'horizontal'
      ? { data: data.slice(start * width, (start + band) * width), width, height: band }
      : { data: new Uint8Array(band * height), width: band, height };
  if (lines === 'vertical') {
    for (let y = 0; y < height; y++) out.data.set(data.subarray(y * width + start, y * width + start + band), y * band);
  }
  return out;
}

/**
 * Decide the rotation of a deskewed page.
 * @param overview binarized page at analysis resolution (for OSD)
 * @param patch binarized densest band at recognition resolution (for the second opinion)
 * @param lines direction of the text lines found by deskew
 */
export async function decideOrientation(
  probe: OrientationProbe,
  overview: GreyImage,
  patch: GreyImage,
  lines: 'horizontal' | 'vertical',
  options: OrientationOptions = {},
): Promise<OrientationDecision> {
  const threshold = options.osdConfidence ?? 6;
  const candidates: [Rotation, Rotation] = lines === 'horizontal' ? [0, 180] : [90, 270];
  const osd = await probe.osd(overview);
  if (osd.rotation !== null && osd.confidence >= threshold && candidates.includes(osd.rotation)) {
    return { rotation: osd.rotation, decidedBy: 'osd', osd };
  }
  const readability: Partial<Record<Rotation, number>> = {};
  for (const rotation of candidates) readability[rotation] = await probe.readability(await rotateGrey(patch, rotation));
  const [a, b] = candidates;
  const ra = readability[a] ?? 0;
  const rb = readability[b] ?? 0;
  if (ra === 0 && rb === 0) return { rotation: osd.rotation ?? a, decidedBy: 'default', osd, readability };
  return { rotation: rb > ra ? b : a, decidedBy: 'recognition', osd, readability };
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
