import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { cleanPage } from '../page-cleanup.ts';
import { renderPage, SAMPLE_LINES } from '../testing/render.ts';
import { findPaperBox } from './border.ts';

describe('scanner borders', () => {
  it('cuts black bands left and at the bottom', async () => {
    const page = await renderPage({ lines: SAMPLE_LINES, dpi: 150 });
    const meta = await sharp(page).metadata();
    // The scan area is larger than the paper: 80 px of black bed on the left, 120 px at the bottom.
    const scan = await sharp(page)
      .extend({ left: 80, bottom: 120, background: '#111111' })
      .withDensity(150)
      .png()
      .toBuffer();
    const { page: cut } = await cleanPage(scan);
    expect(cut.width).toBeLessThanOrEqual(meta.width!);
    expect(cut.width).toBeGreaterThan(meta.width! - 30);
    expect(cut.height).toBeLessThanOrEqual(meta.height!);
    expect(cut.height).toBeGreaterThan(meta.height! - 30);
  });

  it('leaves a page without borders whole', () => {
    const image = { data: new Uint8Array(200 * 300).fill(240), width: 200, height: 300 };
    for (let x = 20; x < 180; x++) image.data[100 * 200 + x] = 10; // a rule line is not a border
    expect(findPaperBox(image)).toEqual({ left: 0, top: 0, width: 200, height: 300 });
  });
});
