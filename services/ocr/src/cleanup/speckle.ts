import { labelInk, type GreyImage } from './raster.ts';

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
  const { labels, components } = labelInk(width, height, (i) => data[i] === 0);
  const out = new Uint8Array(data);
  let removed = 0;
  for (const c of components) {
    if (c.x1 - c.x0 >= maxSide || c.y1 - c.y0 >= maxSide) continue;
    if (isolated(data, labels, width, height, c.label, c.x0 - radius, c.y0 - radius, c.x1 + radius, c.y1 + radius)) {
      for (let y = c.y0; y <= c.y1; y++) for (let x = c.x0; x <= c.x1; x++) if (labels[y * width + x] === c.label) out[y * width + x] = 255;
      removed++;
    }
  }
  return { image: { data: out, width, height }, removed };
}

/** No ink of another mark inside the window. */
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
