import sharp from 'sharp';
import { otsuOfHistogram, otsuThreshold, type GreyImage } from './raster.ts';

/**
 * Recognition-only image: black print kept, red seals, blue signatures and yellowed paper pushed to
 * white. The archived image keeps its colour; this one exists only to feed tesseract.
 */

/** Colourful pixels (seals, ballpoint ink, yellowed paper) count this much brighter per unit of chroma. */
const CHROMA_WEIGHT = 2;

/**
 * Ink darkness that ignores colour: the brightest channel (red ink is bright in R, blue in B, yellow
 * paper in R and G), lifted further by chroma so that saturated marks read as paper while grey/black
 * print (low chroma) is unchanged.
 */
export function achromaticValue(rgb: Uint8Array, channels: number): Uint8Array {
  const n = rgb.length / channels;
  const out = new Uint8Array(n);
  if (channels < 3) {
    for (let i = 0; i < n; i++) out[i] = rgb[i * channels];
    return out;
  }
  for (let i = 0, p = 0; i < n; i++, p += channels) {
    const r = rgb[p];
    const g = rgb[p + 1];
    const b = rgb[p + 2];
    const max = r > g ? (r > b ? r : b) : g > b ? g : b;
    const min = r < g ? (r < b ? r : b) : g < b ? g : b;
    const v = max + CHROMA_WEIGHT * (max - min);
    out[i] = v > 255 ? 255 : v;
  }
  return out;
}

/** Separable max filter (grey dilation): removes dark print so what is left is the paper's own shade. */
function maxFilter(image: GreyImage, radius: number): GreyImage {
  const { width, height } = image;
  const tmp = new Uint8Array(width * height);
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      let m = 0;
      const x0 = Math.max(0, x - radius);
      const x1 = Math.min(width - 1, x + radius);
      for (let k = x0; k <= x1; k++) if (image.data[row + k] > m) m = image.data[row + k];
      tmp[row + x] = m;
    }
  }
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      let m = 0;
      const y0 = Math.max(0, y - radius);
      const y1 = Math.min(height - 1, y + radius);
      for (let k = y0; k <= y1; k++) if (tmp[k * width + x] > m) m = tmp[k * width + x];
      out[y * width + x] = m;
    }
  }
  return { data: out, width, height };
}

/** The paper's own brightness, estimated at an eighth of the image's size: what `paperRows` scales back up. */
async function paperShade(value: GreyImage): Promise<GreyImage> {
  const { width, height } = value;
  const scale = 8;
  const smallW = Math.max(1, Math.round(width / scale));
  const smallH = Math.max(1, Math.round(height / scale));
  const small = await sharp(value.data, { raw: { width, height, channels: 1 } })
    .resize(smallW, smallH, { kernel: 'linear' })
    .toColourspace('b-w')
    .raw()
    .toBuffer();
  // A radius that spans a character at analysis scale, so text strokes disappear from the estimate.
  const paper = maxFilter({ data: new Uint8Array(small), width: smallW, height: smallH }, 4);
  const blurred = await sharp(paper.data, { raw: { width: smallW, height: smallH, channels: 1 } }).blur(2).raw().toBuffer();
  return { data: new Uint8Array(blurred.buffer, blurred.byteOffset, blurred.length), width: smallW, height: smallH };
}

/** Where each output pixel of a linear enlargement reads its source (libvips' alignment: output i at input i·in/out − ½). */
function linearTaps(out: number, source: number): { low: Int32Array; high: Int32Array; weight: Float64Array } {
  const low = new Int32Array(out);
  const high = new Int32Array(out);
  const weight = new Float64Array(out);
  const step = source / out;
  for (let i = 0; i < out; i++) {
    const at = Math.min(source - 1, Math.max(0, i * step - 0.5));
    low[i] = Math.floor(at);
    high[i] = Math.min(source - 1, low[i] + 1);
    weight[i] = at - low[i];
  }
  return { low, high, weight };
}

/**
 * The paper's brightness under each pixel of a `width` × `height` image, one row at a time (`visit` gets the row's
 * levels in a buffer it must not keep): the small `shade` enlarged with a linear kernel on the fly. Enlarging it
 * to a full-size image in libvips took ~60 ms a 200 dpi page, more than the division that reads it.
 */
function paperRows(shade: GreyImage, width: number, height: number, visit: (y: number, levels: Uint8Array) => void): void {
  const columns = linearTaps(width, shade.width);
  const rows = linearTaps(height, shade.height);
  const between = new Float64Array(shade.width);
  const levels = new Uint8Array(width);
  for (let y = 0; y < height; y++) {
    const above = rows.low[y] * shade.width;
    const below = rows.high[y] * shade.width;
    const down = rows.weight[y];
    for (let x = 0; x < shade.width; x++) between[x] = shade.data[above + x] + (shade.data[below + x] - shade.data[above + x]) * down;
    for (let x = 0; x < width; x++) {
      const left = between[columns.low[x]];
      levels[x] = Math.round(left + (between[columns.high[x]] - left) * columns.weight[x]);
    }
    visit(y, levels);
  }
}

/**
 * Divide by an estimate of the paper's brightness so that yellowed, stained or unevenly lit paper
 * becomes uniformly white and print keeps its contrast.
 */
export async function normalizeBackground(value: GreyImage): Promise<GreyImage> {
  const out = new Uint8Array(value.data.length);
  divideByPaper(value, await paperShade(value), out, null);
  return { data: out, width: value.width, height: value.height };
}

/** The paper's brightness as the division uses it: never below 32, so a black patch is not stretched to white. */
const paperFloor = (bg: number) => Math.max(bg, 32);

let quotients: Uint8Array | null = null;

/** value × 255 / paper, capped at 255, for every paper level (row) and value (column): 64 KB, built once a thread. */
function quotientTable(): Uint8Array {
  if (quotients) return quotients;
  quotients = new Uint8Array(256 * 256);
  for (let bg = 0; bg < 256; bg++) {
    for (let v = 0; v < 256; v++) {
      const q = (v * 255) / paperFloor(bg);
      quotients[bg * 256 + v] = q > 255 ? 255 : q;
    }
  }
  return quotients;
}

/** value / paper × 255 into `out` (which may be `value`'s own data), counted into `histogram` when one is given. */
function divideByPaper(value: GreyImage, shade: GreyImage, out: Uint8Array, histogram: Float64Array | null): void {
  const table = quotientTable();
  const { data, width, height } = value;
  paperRows(shade, width, height, (y, levels) => {
    const start = y * width;
    if (!histogram) {
      for (let x = 0, i = start; x < width; x++, i++) out[i] = table[(levels[x] << 8) | data[i]];
      return;
    }
    for (let x = 0, i = start; x < width; x++, i++) {
      const q = table[(levels[x] << 8) | data[i]];
      out[i] = q;
      histogram[q]++;
    }
  });
}

/**
 * The ink mask of the background-normalized image (1 where it is below `threshold`), without keeping the normalized
 * image itself: the analysis needs only the mask.
 */
export async function normalizedInkMask(value: GreyImage, threshold = 128): Promise<GreyImage> {
  const shade = await paperShade(value);
  // Below the threshold after the division is below a paper-dependent value before it (the quotient grows with it).
  const table = quotientTable();
  const below = new Uint16Array(256);
  for (let bg = 0; bg < 256; bg++) {
    let v = 0;
    while (v < 256 && table[bg * 256 + v] < threshold) v++;
    below[bg] = v;
  }
  const { data, width, height } = value;
  const out = new Uint8Array(data.length);
  paperRows(shade, width, height, (y, levels) => {
    for (let x = 0, i = y * width; x < width; x++, i++) out[i] = data[i] < below[levels[x]] ? 1 : 0;
  });
  return { data: out, width, height };
}

export interface RecognitionImageOptions {
  /** Return the normalized grey image instead of a black/white one. */
  keepGrey?: boolean;
}

/** Build the recognition image (1 channel) from interleaved 8-bit pixels of the archived page image. */
export async function recognitionImage(
  pixels: Uint8Array,
  info: { width: number; height: number; channels: number },
  options: RecognitionImageOptions = {},
): Promise<GreyImage> {
  const value: GreyImage = { data: achromaticValue(pixels, info.channels), width: info.width, height: info.height };
  if (options.keepGrey) return normalizeBackground(value);
  // One array from the colour drop to black and white: normalized in place, its histogram counted on the way for Otsu.
  const histogram = new Float64Array(256);
  divideByPaper(value, await paperShade(value), value.data, histogram);
  return thresholdInPlace(value, otsuOfHistogram(histogram, value.data.length));
}

/** Otsu threshold, but never above 200: on a nearly empty page Otsu splits paper noise instead of ink. */
export function binarize(image: GreyImage): GreyImage {
  return thresholdInPlace({ ...image, data: new Uint8Array(image.data) }, otsuThreshold(image.data));
}

function thresholdInPlace(image: GreyImage, otsu: number): GreyImage {
  const threshold = Math.min(otsu, 200);
  const { data } = image;
  const black = new Uint8Array(256).fill(255, threshold + 1);
  for (let i = 0; i < data.length; i++) data[i] = black[data[i]];
  return image;
}
