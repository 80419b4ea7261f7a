/** A single-channel 8-bit image held in memory; the pure cleanup steps work on this. */
export interface GreyImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** A binary image: 1 = ink, 0 = paper. */
export interface InkMask {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface CropBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Otsu's threshold over a histogram of 8-bit values. */
export function otsuThreshold(data: Uint8Array): number {
  const hist = new Float64Array(256);
  for (let i = 0; i < data.length; i++) hist[data[i]]++;
  return otsuOfHistogram(hist, data.length);
}

/** Otsu's threshold of a histogram of `total` 8-bit values. */
export function otsuOfHistogram(hist: Float64Array, total: number): number {
  let sumAll = 0;
  for (let v = 0; v < 256; v++) sumAll += v * hist[v];
  let sumBelow = 0;
  let countBelow = 0;
  let best = 0;
  let bestThreshold = 128;
  for (let t = 0; t < 256; t++) {
    countBelow += hist[t];
    if (countBelow === 0) continue;
    const countAbove = total - countBelow;
    if (countAbove === 0) break;
    sumBelow += t * hist[t];
    const meanBelow = sumBelow / countBelow;
    const meanAbove = (sumAll - sumBelow) / countAbove;
    const between = countBelow * countAbove * (meanBelow - meanAbove) ** 2;
    if (between > best) {
      best = between;
      bestThreshold = t;
    }
  }
  return bestThreshold;
}

/** Value at quantile q (0..1) of the 8-bit values. */
export function quantile(data: Uint8Array, q: number): number {
  const hist = new Uint32Array(256);
  for (let i = 0; i < data.length; i++) hist[data[i]]++;
  const target = q * data.length;
  let seen = 0;
  for (let v = 0; v < 256; v++) {
    seen += hist[v];
    if (seen >= target) return v;
  }
  return 255;
}

/** Scale a crop box measured on an analysis image of width `fromWidth` to an image of width `toWidth`. */
export function scaleBox(box: CropBox, from: { width: number; height: number }, to: { width: number; height: number }): CropBox {
  const sx = to.width / from.width;
  const sy = to.height / from.height;
  const left = Math.max(0, Math.round(box.left * sx));
  const top = Math.max(0, Math.round(box.top * sy));
  const width = Math.min(to.width - left, Math.round(box.width * sx));
  const height = Math.min(to.height - top, Math.round(box.height * sy));
  return { left, top, width, height };
}

/**
 * The 8-connected marks of ink in a binary image, found from its runs (a row's stretch of consecutive ink pixels)
 * rather than pixel by pixel: a page has a few hundred thousand runs against millions of pixels, and no label per
 * pixel has to be written, zeroed or mapped. The arrays are this thread's scratch, grown as needed and reused by the
 * next call (a page's cleanup runs synchronously, one page at a time per thread): read them before calling again.
 */
export interface InkMarks {
  /** Runs, in raster order: run r covers columns start[r] .. end[r] - 1 of its row. */
  runs: number;
  start: Int32Array;
  end: Int32Array;
  /** Row y's runs are rowStart[y] .. rowStart[y + 1] - 1. */
  rowStart: Int32Array;
  /** Each run's mark, named by the mark's first run in raster order. */
  mark: Int32Array;
  /** The marks' first runs, in raster order of their first pixel. */
  marks: Int32Array;
  count: number;
  /** Per mark, at its first run's index: pixel count and bounding box (inclusive). */
  area: Int32Array;
  x0: Int32Array;
  y0: Int32Array;
  x1: Int32Array;
  y1: Int32Array;
}

let scratch: InkMarks | null = null;

/** This thread's scratch with room for `runs` runs and `height` rows, the runs found so far kept. */
function scratchFor(runs: number, height: number): InkMarks {
  const old = scratch;
  if (old && old.start.length >= runs && old.rowStart.length > height) return old;
  const had = old?.start.length ?? 0;
  const size = Math.max(runs, had >= runs ? had : Math.ceil(had * 1.5), 1 << 16);
  const grown = (from?: Int32Array, length = size) => {
    const array = new Int32Array(length);
    if (from) array.set(from.subarray(0, Math.min(from.length, length)));
    return array;
  };
  scratch = {
    runs: 0, start: grown(old?.start), end: grown(old?.end), rowStart: grown(old?.rowStart, Math.max(height + 1, old?.rowStart.length ?? 0)),
    mark: grown(old?.mark), marks: grown(), count: 0, area: grown(), x0: grown(), y0: grown(), x1: grown(), y1: grown(),
  };
  return scratch;
}

/** Root of run r's mark, halving the path on the way. */
function root(parent: Int32Array, r: number): number {
  while (parent[r] !== r) {
    parent[r] = parent[parent[r]];
    r = parent[r];
  }
  return r;
}

/**
 * The 8-connected marks of a binary image. Ink is `data[i] === 0` when `inkIsZero` (the black-on-white recognition
 * image), else `data[i] !== 0` (an ink mask).
 */
export function inkMarks(data: Uint8Array, width: number, height: number, inkIsZero: boolean): InkMarks {
  let s = scratchFor(0, height);
  let { start, end, rowStart, mark: parent } = s;
  let runs = 0;
  for (let y = 0; y < height; y++) {
    rowStart[y] = runs;
    const row = y * width;
    let x = 0;
    while (x < width) {
      while (x < width && (data[row + x] === 0) !== inkIsZero) x++;
      if (x === width) break;
      if (runs === start.length) {
        s = scratchFor(runs + 1, height);
        ({ start, end, rowStart, mark: parent } = s);
      }
      start[runs] = x;
      while (x < width && (data[row + x] === 0) === inkIsZero) x++;
      end[runs] = x;
      parent[runs] = runs;
      runs++;
    }
    if (y === 0) continue;
    // Join each run to the previous row's runs it touches, diagonals included: [a, b) meets [c, d) when c <= b and d >= a.
    let k = rowStart[y - 1];
    const previousEnd = rowStart[y];
    for (let r = rowStart[y]; r < runs; r++) {
      while (k < previousEnd && end[k] < start[r]) k++;
      for (let j = k; j < previousEnd && start[j] <= end[r]; j++) {
        const a = root(parent, r);
        const b = root(parent, j);
        // The earlier run stays the root, so a mark is named by its first run in raster order.
        if (a < b) parent[b] = a;
        else if (b < a) parent[a] = b;
      }
    }
  }
  rowStart[height] = runs;
  s.runs = runs;
  const { marks, area, x0, y0, x1, y1 } = s;
  let count = 0;
  for (let y = 0; y < height; y++) {
    for (let r = rowStart[y]; r < rowStart[y + 1]; r++) {
      const m = root(parent, r);
      parent[r] = m;
      const first = start[r];
      const last = end[r] - 1;
      if (m === r) {
        marks[count++] = r;
        area[r] = last - first + 1;
        x0[r] = first;
        x1[r] = last;
        y0[r] = y;
        y1[r] = y;
        continue;
      }
      area[m] += last - first + 1;
      if (first < x0[m]) x0[m] = first;
      if (last > x1[m]) x1[m] = last;
      y1[m] = y;
    }
  }
  s.count = count;
  return s;
}

/**
 * A black-and-white image as binary PBM (P4), ink = value below 128. Tesseract's leptonica reads it straight into a
 * 1-bit image: no PNG to compress here and to inflate again in its WebAssembly, and no thresholding of its own.
 */
export function pbm(image: GreyImage): Buffer {
  const { data, width, height } = image;
  const header = Buffer.from(`P4\n${width} ${height}\n`, 'ascii');
  const rowBytes = (width + 7) >> 3;
  const out = Buffer.alloc(header.length + rowBytes * height);
  header.copy(out);
  const whole = width >> 3;
  for (let y = 0; y < height; y++) {
    let i = y * width;
    let at = header.length + y * rowBytes;
    // A value's top bit is 0 exactly when it is below 128: eight top bits gathered and inverted make the byte.
    for (let b = 0; b < whole; b++, i += 8) {
      out[at++] = ~(
        ((data[i] & 0x80)) | ((data[i + 1] & 0x80) >> 1) | ((data[i + 2] & 0x80) >> 2) | ((data[i + 3] & 0x80) >> 3)
        | ((data[i + 4] & 0x80) >> 4) | ((data[i + 5] & 0x80) >> 5) | ((data[i + 6] & 0x80) >> 6) | ((data[i + 7] & 0x80) >> 7)
      ) & 0xff;
    }
    let byte = 0;
    for (let x = whole << 3, bit = 0x80; x < width; x++, i++, bit >>= 1) if (data[i] < 128) byte |= bit;
    if (width & 7) out[at] = byte;
  }
  return out;
}
