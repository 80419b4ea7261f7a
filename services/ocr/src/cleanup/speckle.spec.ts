import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { renderPage } from '../testing/render.ts';
import { binarize } from './binarize.ts';
import type { GreyImage } from './raster.ts';
import { removeSpeckles } from './speckle.ts';

async function grey(png: Buffer): Promise<GreyImage> {
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

const ink = (image: GreyImage, y0 = 0, y1 = image.height) => {
  let n = 0;
  for (let i = y0 * image.width; i < y1 * image.width; i++) if (image.data[i] === 0) n++;
  return n;
};

describe('speckle removal', () => {
  it('erases isolated specks and keeps every diacritic (dấu nặng dots included)', async () => {
    // One line full of dots below letters, at the top; 40 specks of 1-4 px scattered well below it.
    const dpi = 200;
    const specks = Array.from({ length: 40 }, (_, i) => {
      const x = 150 + (i % 8) * 170;
      const y = 900 + Math.floor(i / 8) * 200;
      const r = 0.6 + (i % 4) * 0.5;
      return `<circle cx="${x}" cy="${y}" r="${r}" fill="#222"/>`;
    });
    const page = await renderPage({ lines: ['Độc lập - Tự do - Hạnh phúc; Bộ, ngành, địa phương'], dpi, overlay: specks.join(''), top: 1 });
    const binary = binarize(await grey(page));
    const textBand: [number, number] = [100, 300];
    const { image, removed } = removeSpeckles(binary, { dpi });
    expect(ink(binary, 700, binary.height)).toBeGreaterThan(40); // the specks did reach the binary image
    expect(removed).toBeGreaterThanOrEqual(30); // the faintest (r 0.6 px) may not binarize at all
    expect(ink(image, 700, image.height)).toBe(0); // every speck is gone
    expect(ink(image, ...textBand)).toBe(ink(binary, ...textBand)); // the line is untouched
  });

  it('keeps a small mark that sits next to other ink', () => {
    const width = 60;
    const image: GreyImage = { data: new Uint8Array(width * width).fill(255), width, height: width };
    for (let y = 20; y < 40; y++) for (let x = 20; x < 24; x++) image.data[y * width + x] = 0; // a stroke
    image.data[44 * width + 21] = 0; // its dot, 4 px below
    image.data[5 * width + 55] = 0; // a lone speck
    const { image: out, removed } = removeSpeckles(image, { dpi: 200 });
    expect(removed).toBe(1);
    expect(out.data[44 * width + 21]).toBe(0);
    expect(out.data[5 * width + 55]).toBe(255);
  });
});
