/**
 * Where a scanned page carries ink, as a coarse occupancy grid in page
 * coordinates, so that a visible signature can be put where it covers
 * nothing (see signature-placement.ts). Pure: pixels in, grid out.
 *
 * Ink, per pixel: darker in ANY channel than INK_DARKNESS times that
 * channel's paper level (the page's 90th percentile in the channel). Per
 * channel, so that a red seal (dark in green and blue) and a blue signature
 * (dark in red) are ink, while yellowed paper and a lamp's fall-off (a
 * little darker in blue, evenly) are not.
 *
 * Not ink: dust specks, with the rule the OCR clean-up uses — a mark smaller
 * than MAX_SPECK_INCHES on both sides with no other ink within
 * SPECK_ISOLATION_INCHES. Scanned pages carry hundreds of them, so no box
 * would ever fit if they counted; the dot under "ạ" or a dotted leader line
 * sits next to other ink and stays ink.
 */

import { removeSpecklesInPlace } from '@sohoa/ocr/speckle';

export interface PageRaster {
  /** Interleaved 8-bit samples, row 0 at the top of the page. */
  pixels: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3;
}

export interface InkMap {
  /** Page size in points; the map's origin is the page's top-left corner, y grows downwards. */
  width: number;
  height: number;
  /** Side of one cell, in points. */
  cell: number;
  columns: number;
  rows: number;
  /** columns × rows, row 0 at the top: 1 where any ink pixel touches the cell. */
  cells: Uint8Array;
}

/** A pixel is ink when a channel is below this fraction of the paper's level in that channel. */
export const INK_DARKNESS = 0.6;
/** Paper level: this quantile of each channel (a page is mostly paper). */
const PAPER_QUANTILE = 0.9;
/** Largest dust speck, both sides (the OCR speckle rule: 6 px at 200 dpi). */
export const MAX_SPECK_INCHES = 0.03;
/** A small mark with no other ink this close is dust (the OCR speckle rule: 12 px at 200 dpi). */
export const SPECK_ISOLATION_INCHES = 0.06;
/** Cell side of the grid, in points (0.7 mm): fine enough to use narrow margins, coarse enough to search fast. */
export const INK_CELL_POINTS = 2;

/**
 * A one-pixel stroke's weight in a pixel of the picture resized to half its size with a linear kernel (sharp's
 * 'linear': source pixels weighted 1/8, 3/8, 3/8, 1/8): at most 3/8, wherever the stroke falls.
 */
export const HALF_RESOLUTION_STROKE_WEIGHT = 3 / 8;
/**
 * The darkness cut on such a half-size picture: a one-pixel stroke just dark enough to be ink at full resolution
 * (INK_DARKNESS) still is.
 */
export const HALF_RESOLUTION_DARKNESS = 1 - HALF_RESOLUTION_STROKE_WEIGHT * (1 - INK_DARKNESS);

/** Per channel, the value below which a pixel counts as ink. */
export function inkThresholds(raster: PageRaster, darkness = INK_DARKNESS): number[] {
  const { pixels, channels } = raster;
  const count = raster.width * raster.height;
  const histograms = Array.from({ length: channels }, () => new Uint32Array(256));
  if (channels === 3) {
    const [red, green, blue] = histograms as [Uint32Array, Uint32Array, Uint32Array];
    for (let p = 0; p < count * 3; p += 3) {
      red[pixels[p]!]++;
      green[pixels[p + 1]!]++;
      blue[pixels[p + 2]!]++;
    }
  } else {
    for (let p = 0; p < count; p++) histograms[0]![pixels[p]!]++;
  }
  return histograms.map((histogram) => {
    let seen = 0;
    for (let v = 0; v < 256; v++) {
      seen += histogram[v]!;
      if (seen >= PAPER_QUANTILE * count) return darkness * v;
    }
    return darkness * 255;
  });
}

/** 1 where a pixel is dark in some channel, specks included. */
export function darkPixels(raster: PageRaster, darkness = INK_DARKNESS): Uint8Array {
  const { pixels, channels } = raster;
  const [red, green = 0, blue = 0] = inkThresholds(raster, darkness);
  const out = new Uint8Array(raster.width * raster.height);
  if (channels === 3) {
    for (let i = 0, p = 0; i < out.length; i++, p += 3) {
      if (pixels[p]! < red! || pixels[p + 1]! < green || pixels[p + 2]! < blue) out[i] = 1;
    }
  } else {
    for (let i = 0; i < out.length; i++) if (pixels[i]! < red!) out[i] = 1;
  }
  return out;
}

/**
 * Clears isolated dust specks from `mask` (1 = dark) in place, by the OCR clean-up's own speckle rule;
 * returns how many were cleared.
 */
export function clearSpecks(mask: Uint8Array, width: number, height: number, dpi: number): number {
  const grey = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) grey[i] = mask[i] ? 0 : 255;
  const removed = removeSpecklesInPlace({ data: grey, width, height }, { dpi, maxSpeck: MAX_SPECK_INCHES, isolation: SPECK_ISOLATION_INCHES });
  for (let i = 0; i < mask.length; i++) mask[i] = grey[i] === 0 ? 1 : 0;
  return removed;
}

/** Ink pixels of a page image at `dpi`: dark pixels without the dust. */
export function inkPixels(raster: PageRaster, dpi: number, darkness = INK_DARKNESS): Uint8Array {
  const mask = darkPixels(raster, darkness);
  clearSpecks(mask, raster.width, raster.height, dpi);
  return mask;
}

/**
 * The grid of a page whose image (`width` × `height` pixels of `ink`) fills
 * the page box of `page` points. A cell is ink when any ink pixel's
 * footprint touches it, so a box clear of ink cells is clear of ink pixels.
 */
export function inkMapOf(ink: Uint8Array, width: number, height: number, page: { width: number; height: number }, cell = INK_CELL_POINTS): InkMap {
  const columns = Math.ceil(page.width / cell);
  const rows = Math.ceil(page.height / cell);
  const cells = new Uint8Array(columns * rows);
  const sx = page.width / width;
  const sy = page.height / height;
  // The cells each pixel column and row touches, worked out once.
  const firstColumn = new Int32Array(width);
  const lastColumn = new Int32Array(width);
  for (let x = 0; x < width; x++) {
    firstColumn[x] = Math.min(columns - 1, Math.floor((x * sx) / cell));
    lastColumn[x] = Math.min(columns - 1, Math.ceil(((x + 1) * sx) / cell) - 1);
  }
  for (let y = 0; y < height; y++) {
    const rowA = Math.min(rows - 1, Math.floor((y * sy) / cell));
    const rowB = Math.min(rows - 1, Math.ceil(((y + 1) * sy) / cell) - 1);
    const line = y * width;
    for (let x = 0; x < width; x++) {
      if (!ink[line + x]) continue;
      for (let r = rowA; r <= rowB; r++) for (let c = firstColumn[x]!; c <= lastColumn[x]!; c++) cells[r * columns + c] = 1;
    }
  }
  return { width: page.width, height: page.height, cell, columns, rows, cells };
}

/** A page with no ink at all: what placement works with when the page's picture cannot be read. */
export function blankInkMap(page: { width: number; height: number }, cell = INK_CELL_POINTS): InkMap {
  const columns = Math.ceil(page.width / cell);
  const rows = Math.ceil(page.height / cell);
  return { width: page.width, height: page.height, cell, columns, rows, cells: new Uint8Array(columns * rows) };
}
