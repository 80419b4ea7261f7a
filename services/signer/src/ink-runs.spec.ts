import { removeSpeckles } from '@sohoa/ocr/speckle';
import { describe, expect, it } from 'vitest';
import { clearSpecks } from './ink-map.ts';

/** A reproducible scatter of dots, short strokes and blobs of 1–9 pixels on `width` × `height`. */
function scatter(width: number, height: number, marks: number, seed: number): Uint8Array {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const mask = new Uint8Array(width * height);
  for (let m = 0; m < marks; m++) {
    const x0 = Math.floor(next() * width);
    const y0 = Math.floor(next() * height);
    const w = 1 + Math.floor(next() * (next() < 0.7 ? 4 : 9));
    const h = 1 + Math.floor(next() * (next() < 0.7 ? 4 : 9));
    for (let y = y0; y < Math.min(height, y0 + h); y++) for (let x = x0; x < Math.min(width, x0 + w); x++) if (next() < 0.8) mask[y * width + x] = 1;
  }
  return mask;
}

describe('specks decided on runs of dark pixels', () => {
  it('clears exactly the pixels the OCR clean-up’s labelling clears, diagonal neighbours and page edges included', () => {
    for (const [seed, dpi] of [[1, 100], [2, 150], [3, 200], [4, 300]] as const) {
      const width = 300;
      const height = 220;
      const mask = scatter(width, height, 60, seed);
      const grey = mask.map((v) => (v ? 0 : 255));
      const expected = removeSpeckles({ data: grey, width, height }, { dpi, maxSpeck: 0.03, isolation: 0.06 });
      const removed = clearSpecks(mask, width, height, dpi);
      expect(removed).toBe(expected.removed);
      expect(removed).toBeGreaterThan(0);
      expect(Array.from(mask)).toEqual(Array.from(expected.image.data, (v) => (v === 0 ? 1 : 0)));
    }
  });
});
