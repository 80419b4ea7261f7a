import sharp, { type Sharp } from 'sharp';
import { achromaticValue, normalizedInkMask, recognitionImage } from './cleanup/binarize.ts';
import { judgeBlank } from './cleanup/blank.ts';
import { findPaperBox, isWholeImage } from './cleanup/border.ts';
import { decodeImage, resolveDpi } from './cleanup/decode.ts';
import { measureSkew, type SkewEstimate } from './cleanup/deskew.ts';
import { removeSpecklesInPlace } from './cleanup/speckle.ts';
import { scaleBox, type GreyImage, type InkMask } from './cleanup/raster.ts';

/**
 * The geometric clean-up of one scanned page, before any recognition: decode, cut scanner borders,
 * tell blank pages, measure and correct skew. Orientation needs tesseract and comes after.
 */

/** Long side of the analysis image: ~130 dpi for A4, enough for borders, skew and blank tests. */
const ANALYSIS_SIDE = 1600;
/** Skew below this is left alone: resampling costs more sharpness than it gains. */
const MIN_SKEW = 0.05;

export interface RasterPage {
  pixels: Buffer;
  width: number;
  height: number;
  channels: 1 | 3;
}

export interface CleanedPage {
  /** Colour page, borders cut, deskewed (not yet turned upright). */
  page: RasterPage;
  dpi: number;
  blank: boolean;
  skew: SkewEstimate;
}

export interface CleanupOptions {
  dpi?: number;
  maxInputPixels?: number;
}

function rasterOf(page: RasterPage): Sharp {
  return sharp(page.pixels, { raw: { width: page.width, height: page.height, channels: page.channels } });
}

/** sharp turns grey into sRGB on some operations (rotate); pin the channel count of raw output. */
function rawAs(image: Sharp, channels: 1 | 3): Sharp {
  return image.toColourspace(channels === 1 ? 'b-w' : 'srgb').raw();
}

/** The page at analysis size, all its channels. */
async function analysisCopy(page: RasterPage): Promise<RasterPage> {
  const { data, info } = await rasterOf(page)
    .resize({ width: ANALYSIS_SIDE, height: ANALYSIS_SIDE, fit: 'inside', withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { pixels: data, width: info.width, height: info.height, channels: page.channels };
}

/** Ink mask of the colour-blind, background-normalized page, from its analysis copy `small`. */
async function analysisImage(page: RasterPage, small: RasterPage): Promise<{ mask: InkMask; scale: number; paper: () => number[] }> {
  const info = small;
  const pixels = new Uint8Array(small.pixels.buffer, small.pixels.byteOffset, small.pixels.length);
  const value = achromaticValue(pixels, info.channels);
  const mask = await normalizedInkMask({ data: value, width: info.width, height: info.height });
  // Paper colour per channel: the bright end of each channel, used to fill corners uncovered by deskew (so only
  // measured for a page that is turned).
  return { mask, scale: info.width / page.width, paper: () => channelQuantiles(pixels, info.channels, 0.9) };
}

/** Value at quantile q of each channel of interleaved 8-bit pixels, from one pass over them. */
function channelQuantiles(pixels: Uint8Array, channels: number, q: number): number[] {
  const hist = new Uint32Array(256 * channels);
  if (channels === 3) {
    for (let i = 0; i < pixels.length; i += 3) {
      hist[pixels[i]]++;
      hist[256 + pixels[i + 1]]++;
      hist[512 + pixels[i + 2]]++;
    }
  } else {
    for (let i = 0; i < pixels.length; i += channels) for (let c = 0; c < channels; c++) hist[c * 256 + pixels[i + c]]++;
  }
  const target = q * (pixels.length / channels);
  return Array.from({ length: channels }, (_, c) => {
    let seen = 0;
    for (let v = 0; v < 256; v++) if ((seen += hist[c * 256 + v]) >= target) return v;
    return 255;
  });
}

/** The page without the scanner's dark borders, and its analysis copy when nothing was cut (the copy still fits). */
async function cutBorders(page: RasterPage): Promise<{ page: RasterPage; small: RasterPage | null }> {
  const small = await analysisCopy(page);
  // sharp resizes before it turns grey; turning the resized copy grey is the same pipeline, run in two steps.
  const { data, info } = small.channels === 1
    ? { data: small.pixels, info: small }
    : await rasterOf(small).greyscale().raw().toBuffer({ resolveWithObject: true });
  const grey = { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
  const box = findPaperBox(grey);
  if (isWholeImage(box, grey)) return { page, small };
  const full = scaleBox(box, grey, page);
  const cut = await rawAs(rasterOf(page).extract(full), page.channels).toBuffer({ resolveWithObject: true });
  return { page: { pixels: cut.data, width: cut.info.width, height: cut.info.height, channels: page.channels }, small: null };
}

/** Rotate by -degrees about the centre, keep the original canvas, fill uncovered corners with paper. */
export async function straighten(page: RasterPage, degrees: number, paper: number[]): Promise<RasterPage> {
  const [r, g = r, b = r] = paper;
  const rotated = await rawAs(rasterOf(page).rotate(-degrees, { background: { r, g, b } }), page.channels)
    .toBuffer({ resolveWithObject: true });
  const left = Math.max(0, Math.floor((rotated.info.width - page.width) / 2));
  const top = Math.max(0, Math.floor((rotated.info.height - page.height) / 2));
  const cut = await sharp(rotated.data, { raw: { width: rotated.info.width, height: rotated.info.height, channels: page.channels } })
    .extract({ left, top, width: page.width, height: page.height })
    .toColourspace(page.channels === 1 ? 'b-w' : 'srgb')
    .raw()
    .toBuffer();
  return { ...page, pixels: cut };
}

export async function cleanPage(input: Buffer, options: CleanupOptions = {}): Promise<CleanedPage> {
  const decoded = await decodeImage(input, options.maxInputPixels);
  const borders = await cutBorders(decoded);
  let { page } = borders;
  const dpi = resolveDpi(options.dpi, { width: page.width, height: page.height, density: decoded.density });
  const analysis = await analysisImage(page, borders.small ?? (await analysisCopy(page)));
  const { mask } = analysis;
  const { blank } = judgeBlank(mask, { dpi: dpi * analysis.scale });
  if (blank) return { page, dpi, blank, skew: { degrees: 0, lines: 'horizontal', gain: 1 } };
  const skew = measureSkew(mask);
  if (Math.abs(skew.degrees) >= MIN_SKEW) page = await straighten(page, skew.degrees, analysis.paper());
  return { page, dpi, blank, skew };
}

/**
 * Recognition gains nothing above ~200 dpi on office print (tesseract rescales every text line to a fixed
 * height; 12.5 pt body text is still ~17 px high) but costs time and WASM heap in proportion to the pixels:
 * 300 and 400 dpi scans are recognized at 200. bench/results/ocr-options.md: 21 % less CPU, 227 MB less
 * peak memory, CER unchanged (0.79 % on pages skewed < 7°).
 */
export const RECOGNITION_MAX_DPI = 200;

export interface RecognitionRaster extends GreyImage {
  /** Resolution of this image (the scan's, or RECOGNITION_MAX_DPI when that is lower). */
  dpi: number;
  /** This image's width over the cleaned page's width (1 = same size): word boxes divide by it. */
  scale: number;
  /** Isolated specks erased. */
  specks: number;
}

/**
 * Black-on-white recognition image of a cleaned page (seals, blue ink and paper tone removed), with
 * isolated specks erased when the resolution is known.
 */
export async function recognitionRaster(page: RasterPage, dpi?: number, maxDpi = RECOGNITION_MAX_DPI): Promise<RecognitionRaster> {
  let source = page;
  let scale = 1;
  if (dpi && dpi > maxDpi) {
    const width = Math.round((page.width * maxDpi) / dpi);
    const { data, info } = await rawAs(rasterOf(page).resize({ width, kernel: 'lanczos3' }), page.channels).toBuffer({ resolveWithObject: true });
    source = { pixels: data, width: info.width, height: info.height, channels: page.channels };
    scale = info.width / page.width;
  }
  const pixels = new Uint8Array(source.pixels.buffer, source.pixels.byteOffset, source.pixels.length);
  const binary = await recognitionImage(pixels, source);
  if (!dpi) return { ...binary, dpi: 0, scale, specks: 0 };
  const recognitionDpi = Math.min(dpi, maxDpi);
  const specks = removeSpecklesInPlace(binary, { dpi: recognitionDpi });
  return { ...binary, dpi: recognitionDpi, scale, specks };
}

export interface PrepareOptions extends CleanupOptions {
  recognitionMaxDpi?: number;
}

/** Everything a page needs before tesseract: the cleaned page and, unless blank, its recognition image. */
export interface PreparedPage {
  cleaned: CleanedPage;
  binary: RecognitionRaster | null;
}

export async function preparePage(input: Buffer, options: PrepareOptions = {}): Promise<PreparedPage> {
  const cleaned = await cleanPage(input, options);
  const binary = cleaned.blank ? null : await recognitionRaster(cleaned.page, cleaned.dpi, options.recognitionMaxDpi);
  return { cleaned, binary };
}

export async function rotateRaster(page: RasterPage, rotation: 0 | 90 | 180 | 270): Promise<RasterPage> {
  if (rotation === 0) return page;
  const { data, info } = await rawAs(rasterOf(page).rotate(rotation), page.channels).toBuffer({ resolveWithObject: true });
  return { pixels: data, width: info.width, height: info.height, channels: page.channels };
}

export async function archivalJpeg(page: RasterPage, dpi: number, quality = 85): Promise<Buffer> {
  return rasterOf(page).jpeg({ quality, chromaSubsampling: '4:2:0' }).withDensity(dpi).toBuffer();
}
