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

/** Per channel, the value below which a pixel counts as ink. */
export function inkThresholds(raster: PageRaster): number[] {
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
      if (seen >= PAPER_QUANTILE * count) return INK_DARKNESS * v;
    }
    return INK_DARKNESS * 255;
  });
}

/** 1 where a pixel is dark in some channel, specks included. */
export function darkPixels(raster: PageRaster): Uint8Array {
  const { pixels, channels } = raster;
  const [red, green = 0, blue = 0] = inkThresholds(raster);
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

interface Mark {
  label: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** 8-connected marks of `mask`, labelled from 1 (0 = paper), by flood fill with an explicit stack. */
function labelMarks(mask: Uint8Array, width: number, height: number): { labels: Int32Array; marks: Mark[] } {
  const labels = new Int32Array(mask.length);
  const marks: Mark[] = [];
  let stack = new Int32Array(1024);
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || labels[start]) continue;
    const mark: Mark = { label: marks.length + 1, x0: width, y0: height, x1: -1, y1: -1 };
    marks.push(mark);
    labels[start] = mark.label;
    let top = 0;
    stack[top++] = start;
    while (top > 0) {
      const index = stack[--top]!;
      const x = index % width;
      const y = (index - x) / width;
      if (x < mark.x0) mark.x0 = x;
      if (x > mark.x1) mark.x1 = x;
      if (y < mark.y0) mark.y0 = y;
      if (y > mark.y1) mark.y1 = y;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const next = ny * width + nx;
          if (!mask[next] || labels[next]) continue;
          labels[next] = mark.label;
          if (top === stack.length) {
            const grown = new Int32Array(stack.length * 2);
            grown.set(stack);
            stack = grown;
          }
          stack[top++] = next;
        }
      }
    }
  }
  return { labels, marks };
}

/** Clears isolated dust specks from `mask` in place; returns how many were cleared. */
export function clearSpecks(mask: Uint8Array, width: number, height: number, dpi: number): number {
  const maxSide = Math.max(1, Math.round(MAX_SPECK_INCHES * dpi));
  const reach = Math.max(2, Math.round(SPECK_ISOLATION_INCHES * dpi));
  const { labels, marks } = labelMarks(mask, width, height);
  const specks: Mark[] = [];
  for (const mark of marks) {
    if (mark.x1 - mark.x0 >= maxSide || mark.y1 - mark.y0 >= maxSide) continue;
    if (alone(mask, labels, width, height, mark, reach)) specks.push(mark);
  }
  // Cleared only after every mark was judged, so that two specks close together keep each other as ink.
  for (const speck of specks) {
    for (let y = speck.y0; y <= speck.y1; y++) {
      for (let x = speck.x0; x <= speck.x1; x++) if (labels[y * width + x] === speck.label) mask[y * width + x] = 0;
    }
  }
  return specks.length;
}

function alone(mask: Uint8Array, labels: Int32Array, width: number, height: number, mark: Mark, reach: number): boolean {
  const xa = Math.max(0, mark.x0 - reach);
  const xb = Math.min(width - 1, mark.x1 + reach);
  const ya = Math.max(0, mark.y0 - reach);
  const yb = Math.min(height - 1, mark.y1 + reach);
  for (let y = ya; y <= yb; y++) {
    const row = y * width;
    for (let x = xa; x <= xb; x++) if (mask[row + x] && labels[row + x] !== mark.label) return false;
  }
  return true;
}

/** Ink pixels of a page image at `dpi`: dark pixels without the dust. */
export function inkPixels(raster: PageRaster, dpi: number): Uint8Array {
  const mask = darkPixels(raster);
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
