import { labelInk, type GreyImage, type InkMask } from './raster.ts';

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
  marks: number;
}

/** Ink = darker than half the (normalized) paper brightness; faint bleed-through and shading stay paper. */
export function inkMask(normalized: GreyImage, threshold = 128): InkMask {
  const data = new Uint8Array(normalized.data.length);
  for (let i = 0; i < data.length; i++) data[i] = normalized.data[i] < threshold ? 1 : 0;
  return { data, width: normalized.width, height: normalized.height };
}

interface Component {
  area: number;
  width: number;
  height: number;
}

/** 8-connected components of the ink. */
export function components(mask: InkMask): Component[] {
  return labelInk(mask.width, mask.height, (i) => mask.data[i] !== 0).components.map((c) => ({ area: c.area, width: c.x1 - c.x0 + 1, height: c.y1 - c.y0 + 1 }));
}

export function judgeBlank(mask: InkMask, options: BlankOptions): BlankVerdict {
  const minMarks = options.minMarks ?? 4;
  // A printed character of 8 pt or more is at least ~0.05 in tall; dust specks are smaller.
  const minHeight = Math.max(3, Math.round(options.dpi * 0.05));
  const maxSide = Math.max(mask.width, mask.height) * 0.5;
  let marks = 0;
  for (const c of components(mask)) {
    const charSized = c.height >= minHeight && c.area >= minHeight * 2 && c.width < maxSide && c.height < maxSide;
    if (charSized) marks++;
  }
  return { blank: marks < minMarks, marks };
}
