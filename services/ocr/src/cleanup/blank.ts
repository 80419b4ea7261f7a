import { inkMarks, type GreyImage, type InkMask } from './raster.ts';

/**
 * Blank pages (duplex back sides): no print, maybe faint bleed-through, dust or speckle. The test is
 * "are there character-sized marks?", not "is there any ink?", so one line of text is enough to
 * keep a page while scattered specks are not.
 */

export interface BlankOptions {
  /** Pixels per inch of the analysed mask. */
  dpi: number;
  /** A page with at least this many character-sized marks is not blank. Default 4. */
  minMarks?: number;
}

export interface BlankVerdict {
  blank: boolean;
  /** Character-sized marks found, counted up to `minMarks`: the page is settled there. */
  marks: number;
}

/** Ink = darker than half the (normalized) paper brightness; faint bleed-through and shading stay paper. */
export function inkMask(normalized: GreyImage, threshold = 128): InkMask {
  const data = new Uint8Array(normalized.data.length);
  for (let i = 0; i < data.length; i++) data[i] = normalized.data[i] < threshold ? 1 : 0;
  return { data, width: normalized.width, height: normalized.height };
}

export function judgeBlank(mask: InkMask, options: BlankOptions): BlankVerdict {
  const minMarks = options.minMarks ?? 4;
  // A printed character of 8 pt or more is at least ~0.05 in tall; dust specks are smaller.
  const minHeight = Math.max(3, Math.round(options.dpi * 0.05));
  const maxSide = Math.max(mask.width, mask.height) * 0.5;
  const { marks: firsts, count, area, x0, y0, x1, y1 } = inkMarks(mask.data, mask.width, mask.height, false);
  let marks = 0;
  for (let i = 0; i < count && marks < minMarks; i++) {
    const m = firsts[i];
    const width = x1[m] - x0[m] + 1;
    const height = y1[m] - y0[m] + 1;
    if (height >= minHeight && area[m] >= minHeight * 2 && width < maxSide && height < maxSide) marks++;
  }
  return { blank: marks < minMarks, marks };
}
