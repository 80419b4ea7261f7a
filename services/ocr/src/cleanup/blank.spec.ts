import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { cleanPage } from '../page-cleanup.ts';
import { renderPage } from '../testing/render.ts';

/** A4 at 200 dpi of slightly grey paper with faint mottling and scattered dark dust specks. */
async function noisyBlankPage(seed = 7): Promise<Buffer> {
  const width = 1654;
  const height = 2339;
  const pixels = Buffer.alloc(width * height);
  let s = seed;
  const random = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let i = 0; i < pixels.length; i++) pixels[i] = 225 + Math.floor(random() * 25); // faint noise
  for (let k = 0; k < 400; k++) {
    const x = Math.floor(random() * (width - 2));
    const y = Math.floor(random() * (height - 2));
    pixels[y * width + x] = 40; // single-pixel dust
    if (random() < 0.3) pixels[y * width + x + 1] = 60;
  }
  return sharp(pixels, { raw: { width, height, channels: 1 } }).withDensity(200).png().toBuffer();
}

describe('blank pages', () => {
  it('a white page with faint noise and dust is blank', async () => {
    const result = await cleanPage(await noisyBlankPage());
    expect(result.blank).toBe(true);
  });

  it('a page with a single line of text is not blank', async () => {
    const result = await cleanPage(await renderPage({ lines: ['Trang 2/2 - Xác nhận của UBND'], top: 5 }));
    expect(result.blank).toBe(false);
  });

  it('an empty white page is blank', async () => {
    const result = await cleanPage(await renderPage({ lines: [] }));
    expect(result.blank).toBe(true);
  });
});
