/**
 * A page's dark pixels as horizontal runs, joined into marks (8-connected, as the OCR clean-up's labelling joins
 * them), and the speckle rule of services/ocr/src/cleanup/speckle.ts decided on the runs: a mark smaller than
 * `maxSide` pixels on both sides with no other dark pixel within `radius` is dust. Same marks, same verdicts as
 * labelling every pixel, for a fraction of the work: a page is mostly paper, and runs skip it. Pure.
 *
 * The buffers grow to the largest page seen and are reused: one page at a time per thread.
 */

export interface DarkRuns {
  /** Run i covers pixels start[i]..end[i] (inclusive) of row row[i]; runs are in reading order. */
  start: Int32Array;
  end: Int32Array;
  row: Int32Array;
  count: number;
  /** Runs of row y are firstRun[y] ..< firstRun[y + 1]. */
  firstRun: Int32Array;
  width: number;
  height: number;
}

let start = new Int32Array(1 << 16);
let end = new Int32Array(1 << 16);
let row = new Int32Array(1 << 16);

function grown(array: Int32Array<ArrayBuffer>, size: number): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(Math.max(size, array.length * 2));
  bigger.set(array);
  return bigger;
}

/**
 * The runs of dark pixels of interleaved 8-bit `pixels`: a pixel is dark when, for some channel c, `dark[c]` is
 * 1 at its value there (one 256-entry table per channel).
 */
export function darkRuns(pixels: Uint8Array, width: number, height: number, channels: 1 | 3, dark: Uint8Array[]): DarkRuns {
  const firstRun = new Int32Array(height + 1);
  const d0 = dark[0]!;
  const d1 = dark[1] ?? d0;
  const d2 = dark[2] ?? d0;
  let count = 0;
  for (let y = 0; y < height; y++) {
    firstRun[y] = count;
    let p = y * width * channels;
    let from = -1;
    for (let x = 0; x < width; x++, p += channels) {
      const isDark = channels === 3 ? (d0[pixels[p]!]! | d1[pixels[p + 1]!]! | d2[pixels[p + 2]!]!) : d0[pixels[p]!]!;
      if (isDark) {
        if (from < 0) from = x;
      } else if (from >= 0) {
        count = push(count, from, x - 1, y);
        from = -1;
      }
    }
    if (from >= 0) count = push(count, from, width - 1, y);
  }
  firstRun[height] = count;
  return { start, end, row, count, firstRun, width, height };
}

function push(count: number, from: number, to: number, y: number): number {
  if (count === start.length) {
    start = grown(start, count + 1);
    end = grown(end, count + 1);
    row = grown(row, count + 1);
  }
  start[count] = from;
  end[count] = to;
  row[count] = y;
  return count + 1;
}

/**
 * Per run, whether its mark is dust by the speckle rule (1) or ink (0); and how many marks were dust.
 */
export function speckRuns(runs: DarkRuns, maxSide: number, radius: number): { speck: Uint8Array; removed: number } {
  const { count, firstRun, height, width } = runs;
  const s = runs.start;
  const e = runs.end;
  const r = runs.row;
  const parent = new Int32Array(count);
  for (let i = 0; i < count; i++) parent[i] = i;
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  // Runs touching in consecutive rows, diagonals included, are one mark.
  for (let y = 1; y < height; y++) {
    let a = firstRun[y - 1]!;
    const aEnd = firstRun[y]!;
    for (let b = firstRun[y]!; b < firstRun[y + 1]!; b++) {
      while (a < aEnd && e[a]! + 1 < s[b]!) a++;
      for (let k = a; k < aEnd && s[k]! <= e[b]! + 1; k++) {
        const ra = find(k);
        const rb = find(b);
        if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
      }
    }
  }
  // Each mark's box and pixel count, kept at its root (its first run).
  const x0 = new Int32Array(count);
  const x1 = new Int32Array(count);
  const y1 = new Int32Array(count);
  const area = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const root = find(i);
    parent[i] = root;
    if (root === i) {
      x0[i] = s[i]!;
      x1[i] = e[i]!;
      y1[i] = r[i]!;
    } else {
      if (s[i]! < x0[root]!) x0[root] = s[i]!;
      if (e[i]! > x1[root]!) x1[root] = e[i]!;
      if (r[i]! > y1[root]!) y1[root] = r[i]!;
    }
    area[root] += e[i]! - s[i]! + 1;
  }
  const dust = new Uint8Array(count);
  let removed = 0;
  for (let i = 0; i < count; i++) {
    if (parent[i] !== i) continue;
    // The root is the mark's first run in reading order, so its row is the mark's top.
    const top = r[i]!;
    if (x1[i]! - x0[i]! >= maxSide || y1[i]! - top >= maxSide) continue;
    // Isolated: the dark pixels in the window around the box are the mark's own, all of which lie inside it.
    const xa = Math.max(0, x0[i]! - radius);
    const xb = Math.min(width - 1, x1[i]! + radius);
    const ya = Math.max(0, top - radius);
    const yb = Math.min(height - 1, y1[i]! + radius);
    let seen = 0;
    for (let y = ya; y <= yb && seen <= area[i]!; y++) {
      for (let k = firstRun[y]!; k < firstRun[y + 1]!; k++) {
        if (s[k]! > xb) break;
        if (e[k]! < xa) continue;
        seen += Math.min(e[k]!, xb) - Math.max(s[k]!, xa) + 1;
      }
    }
    if (seen === area[i]) {
      dust[i] = 1;
      removed++;
    }
  }
  const speck = new Uint8Array(count);
  for (let i = 0; i < count; i++) speck[i] = dust[parent[i]!]!;
  return { speck, removed };
}
