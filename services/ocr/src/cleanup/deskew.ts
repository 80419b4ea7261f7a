import type { InkMask } from './raster.ts';

/**
 * Skew measurement by projection profiles: when the page is turned back by exactly its skew, text
 * lines fall into few rows of the profile and the profile becomes most "peaky". Rows and columns are
 * both tried, so a page lying at 90°/270° (vertical lines) is measured too, and the winning axis tells
 * the orientation step whether text runs horizontally.
 */

export interface SkewEstimate {
  /** Clockwise skew of the content in degrees; rotate by -degrees to straighten. */
  degrees: number;
  /** Direction the text lines run in the image as given. */
  lines: 'horizontal' | 'vertical';
  /** Peakiness of the best profile relative to the unrotated one (1 = no gain); near 1 means no text structure. */
  gain: number;
}

export interface DeskewOptions {
  maxDegrees?: number; // search range, default 10
  coarseStep?: number; // default 0.5
  fineStep?: number; // default 0.05
}

/** Ink pixels relative to the centre, in raster order. */
function inkPoints(mask: InkMask): { xs: Float32Array; ys: Float32Array } {
  const { data, width, height } = mask;
  // Counted first, then written straight into the arrays: no growing list of a few hundred thousand numbers.
  let count = 0;
  for (let i = 0; i < data.length; i++) if (data[i]) count++;
  const xs = new Float32Array(count);
  const ys = new Float32Array(count);
  const cx = width / 2;
  const cy = height / 2;
  let k = 0;
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i++) {
      if (!data[i]) continue;
      xs[k] = x - cx;
      ys[k] = y - cy;
      k++;
    }
  }
  return { xs, ys };
}

/**
 * About `share` of the points, picked by a fixed pseudo-random sequence: a regular pick (every other row or pixel)
 * would print its own comb into the profiles and win at 0°.
 */
function thinned(points: { xs: Float32Array; ys: Float32Array }, share: number): { xs: Float32Array; ys: Float32Array } {
  const cut = Math.floor(share * 0x10000);
  const keep = new Uint8Array(points.xs.length);
  let seed = 12345;
  let count = 0;
  for (let k = 0; k < keep.length; k++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    if (seed >>> 16 < cut) {
      keep[k] = 1;
      count++;
    }
  }
  const xs = new Float32Array(count);
  const ys = new Float32Array(count);
  for (let k = 0, j = 0; k < keep.length; k++) {
    if (!keep[k]) continue;
    xs[j] = points.xs[k];
    ys[j++] = points.ys[k];
  }
  return { xs, ys };
}

/** Sum of squared differences between neighbouring bins of the projection at `degrees`. */
function profileScore(xs: Float32Array, ys: Float32Array, degrees: number, axis: 'rows' | 'columns', size: number): number {
  const t = (degrees * Math.PI) / 180;
  const sin = Math.sin(t);
  const cos = Math.cos(t);
  const offset = Math.ceil(size / 2) + 2;
  const bins = new Float64Array(2 * offset + 1);
  // Every position plus offset is positive, so truncating after adding a half rounds as Math.round does, faster.
  const half = offset + 0.5;
  if (axis === 'rows') {
    for (let i = 0; i < xs.length; i++) bins[(-xs[i] * sin + ys[i] * cos + half) | 0]++;
  } else {
    for (let i = 0; i < xs.length; i++) bins[(xs[i] * cos + ys[i] * sin + half) | 0]++;
  }
  let score = 0;
  for (let i = 1; i < bins.length; i++) score += (bins[i] - bins[i - 1]) ** 2;
  return score;
}

function search(
  xs: Float32Array,
  ys: Float32Array,
  axis: 'rows' | 'columns',
  size: number,
  from: number,
  to: number,
  step: number,
): { degrees: number; score: number } {
  let best = { degrees: 0, score: -1 };
  for (let d = from; d <= to + 1e-9; d += step) {
    const score = profileScore(xs, ys, d, axis, size);
    if (score > best.score) best = { degrees: d, score };
  }
  return best;
}

/** Measure the skew of the ink on a page (analysis-resolution mask; ~1500 px on the long side is plenty). */
export function measureSkew(mask: InkMask, options: DeskewOptions = {}): SkewEstimate {
  const maxDegrees = options.maxDegrees ?? 10;
  const coarseStep = options.coarseStep ?? 0.5;
  const fineStep = options.fineStep ?? 0.05;
  const { xs, ys } = inkPoints(mask);
  if (xs.length < 50) return { degrees: 0, lines: 'horizontal', gain: 1 };
  const size = Math.hypot(mask.width, mask.height);

  // The coarse search (four passes in five) needs only the shape of the lines: half the ink shows it.
  const sparse = thinned({ xs, ys }, 0.5);
  const rows = search(sparse.xs, sparse.ys, 'rows', size, -maxDegrees, maxDegrees, coarseStep);
  const columns = search(sparse.xs, sparse.ys, 'columns', size, -maxDegrees, maxDegrees, coarseStep);
  const axis = rows.score >= columns.score ? 'rows' : 'columns';
  const coarse = axis === 'rows' ? rows : columns;
  const fine = search(xs, ys, axis, size, coarse.degrees - coarseStep, coarse.degrees + coarseStep, fineStep);
  // Parabolic interpolation around the best fine step sharpens the estimate below the step size.
  const before = profileScore(xs, ys, fine.degrees - fineStep, axis, size);
  const after = profileScore(xs, ys, fine.degrees + fineStep, axis, size);
  const curvature = before - 2 * fine.score + after;
  const shift = curvature < 0 ? (0.5 * (before - after)) / curvature : 0;
  const degrees = fine.degrees + Math.max(-0.5, Math.min(0.5, shift)) * fineStep;
  const unrotated = profileScore(xs, ys, 0, axis, size);
  return {
    degrees: Math.round(degrees * 100) / 100,
    lines: axis === 'rows' ? 'horizontal' : 'vertical',
    gain: unrotated > 0 ? fine.score / unrotated : 1,
  };
}
