import type { GreyImage } from './raster.ts';

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
  const { width, height, data } = image;
  const maxSide = Math.max(1, Math.round((options.maxSpeck ?? 0.03) * options.dpi));
  const radius = Math.max(2, Math.round((options.isolation ?? 0.06) * options.dpi));
  const labels = new Int32Array(width * height); // 0 = paper or unlabelled
  const stack = new Int32Array(width * height);
  const out = new Uint8Array(data);
  let next = 0;
  let removed = 0;
  for (let start = 0; start < data.length; start++) {
    if (data[start] !== 0 || labels[start] !== 0) continue;
    const label = ++next;
    let top = 0;
    stack[top++] = start;
    labels[start] = label;
    let x0 = width;
    let x1 = -1;
    let y0 = height;
    let y1 = -1;
    let big = false;
    while (top > 0) {
      const p = stack[--top];
      const x = p % width;
      const y = (p - x) / width;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      if (x1 - x0 >= maxSide || y1 - y0 >= maxSide) big = true;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const q = ny * width + nx;
          if (data[q] === 0 && labels[q] === 0) {
            labels[q] = label;
            stack[top++] = q;
          }
        }
      }
    }
    if (big) continue;
    if (isolated(data, labels, width, height, label, x0 - radius, y0 - radius, x1 + radius, y1 + radius)) {
      for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) if (labels[y * width + x] === label) out[y * width + x] = 255;
      removed++;
    }
  }
  return { image: { data: out, width, height }, removed };
}

/** No ink of another mark inside the window (labels not yet assigned count as ink too). */
function isolated(
  data: Uint8Array,
  labels: Int32Array,
  width: number,
  height: number,
  label: number,
  left: number,
  top: number,
  right: number,
  bottom: number,
): boolean {
  const xa = Math.max(0, left);
  const xb = Math.min(width - 1, right);
  const ya = Math.max(0, top);
  const yb = Math.min(height - 1, bottom);
  for (let y = ya; y <= yb; y++) {
    const row = y * width;
    for (let x = xa; x <= xb; x++) if (data[row + x] === 0 && labels[row + x] !== label) return false;
  }
  return true;
}
