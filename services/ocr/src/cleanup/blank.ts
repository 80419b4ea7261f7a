import type { GreyImage, InkMask } from './raster.ts';

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
  const { width, height } = mask;
  const seen = new Uint8Array(mask.data.length);
  const stack = new Int32Array(mask.data.length);
  const found: Component[] = [];
  for (let start = 0; start < mask.data.length; start++) {
    if (!mask.data[start] || seen[start]) continue;
    let top = 0;
    stack[top++] = start;
    seen[start] = 1;
    let area = 0;
    let x0 = width;
    let x1 = 0;
    let y0 = height;
    let y1 = 0;
    while (top > 0) {
      const p = stack[--top];
      area++;
      const x = p % width;
      const y = (p - x) / width;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const q = ny * width + nx;
          if (mask.data[q] && !seen[q]) {
            seen[q] = 1;
            stack[top++] = q;
          }
        }
      }
    }
    found.push({ area, width: x1 - x0 + 1, height: y1 - y0 + 1 });
  }
  return found;
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
