import { inkMarks, type GreyImage, type InkMarks } from './raster.ts';

/**
 * Speckle removal on the black-and-white recognition image. Dust and toner specks are small and
 * stand alone; Vietnamese diacritics (the dot of dấu nặng, the hook of dấu hỏi) are just as small but
 * sit right next to their letter. So a mark is erased only when it is small AND has no other ink
 * within about a letter's height: tesseract reads isolated specks as stray punctuation (". | ‘")
 * and, worse, lets them disturb its diacritic assignment on the line nearby.
 */

export interface SpeckleOptions {
  /** Resolution of the image, for the physical sizes below. */
  dpi: number;
  /** Largest speck, in inches (both sides). Default 0.03 in (6 px at 200 dpi). */
  maxSpeck?: number;
  /** Clear distance to other ink that makes a small mark isolated, in inches. Default 0.06 in. */
  isolation?: number;
}

export interface SpeckleResult {
  image: GreyImage;
  removed: number;
}

/** Ink is 0 (black) in the recognition image; paper 255. Returns a new image. */
export function removeSpeckles(image: GreyImage, options: SpeckleOptions): SpeckleResult {
  const out = new Uint8Array(image.data);
  const removed = removeSpecklesInPlace({ ...image, data: out }, options);
  return { image: { data: out, width: image.width, height: image.height }, removed };
}

/**
 * As removeSpeckles, erasing in the image given (the recognition image, which nothing else holds yet): the marks are
 * found first, so an erased speck never makes a neighbour look isolated. Returns the count of specks erased.
 */
export function removeSpecklesInPlace(image: GreyImage, options: SpeckleOptions): number {
  const { width, height, data } = image;
  const maxSide = Math.max(1, Math.round((options.maxSpeck ?? 0.03) * options.dpi));
  const radius = Math.max(2, Math.round((options.isolation ?? 0.06) * options.dpi));
  const found = inkMarks(data, width, height, true);
  const { marks, count, x0, y0, x1, y1, rowStart, start, end, mark } = found;
  const specks: number[] = [];
  for (let i = 0; i < count; i++) {
    const m = marks[i];
    if (x1[m] - x0[m] >= maxSide || y1[m] - y0[m] >= maxSide) continue;
    if (isolated(found, width, height, m, x0[m] - radius, y0[m] - radius, x1[m] + radius, y1[m] + radius)) specks.push(m);
  }
  // Erased after every test: the tests read the marks as scanned.
  for (const m of specks) {
    for (let y = y0[m]; y <= y1[m]; y++) {
      for (let r = rowStart[y]; r < rowStart[y + 1]; r++) if (mark[r] === m) data.fill(255, y * width + start[r], y * width + end[r]);
    }
  }
  return specks.length;
}

/** No run of another mark inside the window. */
function isolated(found: InkMarks, width: number, height: number, m: number, left: number, top: number, right: number, bottom: number): boolean {
  const { rowStart, start, end, mark } = found;
  const xa = Math.max(0, left);
  const xb = Math.min(width - 1, right);
  const ya = Math.max(0, top);
  const yb = Math.min(height - 1, bottom);
  for (let y = ya; y <= yb; y++) {
    // The row's first run that ends at or after the window's left edge (runs of a row are in order).
    let lo = rowStart[y];
    let hi = rowStart[y + 1];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (end[mid] <= xa) lo = mid + 1;
      else hi = mid;
    }
    for (let r = lo; r < rowStart[y + 1] && start[r] <= xb; r++) if (mark[r] !== m) return false;
  }
  return true;
}
