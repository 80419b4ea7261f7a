/**
 * A cheap test of whether a page may carry a QR code / DataMatrix / PDF417 or a 1-D barcode that the fast, downscaled
 * read missed: only then is zxing run at full resolution (about 0.6 CPU-s a page). Most pages of a dossier carry no
 * code, so the test must be cheap (libvips at full resolution, JavaScript only on a grid of 8-px cells) and may err
 * only towards "maybe": a seal or a photo costs the old price, a code gated out is lost.
 */
import sharp, { type Sharp } from 'sharp';

/** What the busiest windows of a page look like, for the decision and for tuning it. */
export interface CodePresence {
  maybe: boolean;
  /** The 2-D test's best window: how much darker than the paper around it, and its edge densities across and down. */
  block: { dark: number; lineMin: number; across: number; down: number } | null;
  /** The 1-D test's best window: edge density along the bars' normal and how much of it runs the other way. */
  bars: { edges: number; crossRatio: number; lineMin: number } | null;
}

const CELL = 8;

// Tuned on generated pages (bench/ocr/code-gate.ts, bench/results/ocr-options.md): in a 5 mm window printed text
// leaves a row or column of cells at most 0.20 darker than the paper, QR codes and bars none under 0.39. A code
// shorter than the window (a DataMatrix under ~5 mm) is gated out. Edges are grey steps over the paper's level, so
// slow shading (uneven light, yellowed paper) adds none.
const BLOCK_DARK = [0.25, 0.85] as const;
const BLOCK_EDGES = 0.05;
const BLOCK_LINE = 0.3;
const BAR_DARK = 0.12;
const BAR_LINE = 0.25;
const BAR_EDGES = 0.06;
const BAR_CROSS = 0.2;

/** Cell means of one libvips map, 0..1, cols × rows. */
async function cellMeans(pipeline: Sharp, cols: number, rows: number): Promise<Float64Array> {
  const data = await pipeline.resize({ width: cols, height: rows, fit: 'fill', kernel: 'linear' }).toColourspace('b-w').raw().toBuffer();
  const out = new Float64Array(cols * rows);
  for (let i = 0; i < out.length; i++) out[i] = data[i] / 255;
  return out;
}

/** Summed-area table, so that every window's mean costs four reads. */
function integral(map: Float64Array, cols: number, rows: number): Float64Array {
  const sums = new Float64Array((cols + 1) * (rows + 1));
  for (let y = 0; y < rows; y++) {
    let row = 0;
    for (let x = 0; x < cols; x++) {
      row += map[y * cols + x];
      sums[(y + 1) * (cols + 1) + x + 1] = sums[y * (cols + 1) + x + 1] + row;
    }
  }
  return sums;
}

/** The paper's level near each cell: the brightest block within `reach` blocks, on blocks of `block` cells. */
function paperLevel(bright: Float64Array, cols: number, rows: number, block: number, reach: number): Float64Array {
  const bc = Math.ceil(cols / block);
  const br = Math.ceil(rows / block);
  const blockMax = new Float64Array(bc * br);
  for (let y = 0; y < rows; y++) for (let x = 0; x < cols; x++) {
    const b = Math.floor(y / block) * bc + Math.floor(x / block);
    if (bright[y * cols + x] > blockMax[b]) blockMax[b] = bright[y * cols + x];
  }
  const near = new Float64Array(bc * br);
  for (let by = 0; by < br; by++) for (let bx = 0; bx < bc; bx++) {
    let max = 0;
    for (let y = Math.max(0, by - reach); y <= Math.min(br - 1, by + reach); y++) {
      for (let x = Math.max(0, bx - reach); x <= Math.min(bc - 1, bx + reach); x++) max = Math.max(max, blockMax[y * bc + x]);
    }
    near[by * bc + bx] = max;
  }
  const out = new Float64Array(cols * rows);
  for (let y = 0; y < rows; y++) for (let x = 0; x < cols; x++) out[y * cols + x] = near[Math.floor(y / block) * bc + Math.floor(x / block)];
  return out;
}

export async function codePresence(image: Buffer): Promise<CodePresence> {
  // HSV's value (the brightest channel): red seals and blue signatures stay light, printed black codes do not.
  const { data: grey, info } = await sharp(image, { limitInputPixels: 200e6 }).rotate().toColourspace('hsv' as never).extractChannel(2).raw().toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  const cols = Math.max(1, Math.floor(width / CELL));
  const rows = Math.max(1, Math.floor(height / CELL));
  const raw = { raw: { width, height, channels: 1 as const } };
  // Dark-to-light steps only (the kernel's negative side clips): half of all edges, in both directions alike.
  const [bright, across, down] = await Promise.all([
    cellMeans(sharp(grey, raw), cols, rows),
    cellMeans(sharp(grey, raw).convolve({ width: 3, height: 3, kernel: [0, 0, 0, 0, -1, 1, 0, 0, 0] }), cols, rows),
    cellMeans(sharp(grey, raw).convolve({ width: 3, height: 3, kernel: [0, 0, 0, 0, -1, 0, 0, 1, 0] }), cols, rows),
  ]);
  // A window of about 5 mm on an A4 page, whatever its dpi: the smallest code worth reading.
  const span = Math.max(2, Math.round(Math.min(width, height) / 40 / CELL));
  const paper = paperLevel(bright, cols, rows, span, 4);
  const sums = [bright, across, down].map((map) => integral(map, cols, rows));
  const area = span * span;
  const mean = (s: Float64Array, x: number, y: number): number =>
    (s[(y + span) * (cols + 1) + x + span] - s[y * (cols + 1) + x + span] - s[(y + span) * (cols + 1) + x] + s[y * (cols + 1) + x]) / area;
  // Running sums per row and per column of cells: a window's lightest row or column tells printed lines (a blank gap
  // between them, upright or sideways) from a code, which is dark on every row and column it covers.
  const rowSums = new Float64Array((cols + 1) * rows);
  for (let y = 0; y < rows; y++) for (let x = 0; x < cols; x++) rowSums[y * (cols + 1) + x + 1] = rowSums[y * (cols + 1) + x] + bright[y * cols + x];
  const colSums = new Float64Array(cols * (rows + 1));
  for (let y = 0; y < rows; y++) for (let x = 0; x < cols; x++) colSums[(y + 1) * cols + x] = colSums[y * cols + x] + bright[y * cols + x];
  let block: CodePresence['block'] = null;
  let bars: CodePresence['bars'] = null;
  for (let y = 0; y + span <= rows; y++) {
    for (let x = 0; x + span <= cols; x++) {
      const level = paper[(y + (span >> 1)) * cols + x + (span >> 1)] || 1;
      const dark = 1 - mean(sums[0], x, y) / level;
      if (dark < BAR_DARK) continue;
      let lineMin = 1;
      for (let r = y; r < y + span; r++) lineMin = Math.min(lineMin, 1 - (rowSums[r * (cols + 1) + x + span] - rowSums[r * (cols + 1) + x]) / span / level);
      for (let c = x; c < x + span; c++) lineMin = Math.min(lineMin, 1 - (colSums[(y + span) * cols + c] - colSums[y * cols + c]) / span / level);
      const a = mean(sums[1], x, y) / level;
      const d = mean(sums[2], x, y) / level;
      if (dark >= BLOCK_DARK[0] && dark <= BLOCK_DARK[1] && Math.min(a, d) >= BLOCK_EDGES && (!block || lineMin > block.lineMin)) block = { dark, lineMin, across: a, down: d };
      const edges = Math.max(a, d);
      const crossRatio = Math.min(a, d) / (edges || 1);
      if (crossRatio <= BAR_CROSS && lineMin >= BAR_LINE && (!bars || edges > bars.edges)) bars = { edges, crossRatio, lineMin };
    }
  }
  const maybe = (!!block && block.lineMin >= BLOCK_LINE) || (!!bars && bars.edges >= BAR_EDGES);
  return { maybe, block, bars };
}
