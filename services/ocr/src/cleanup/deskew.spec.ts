import { describe, expect, it } from 'vitest';
import { cleanPage } from '../page-cleanup.ts';
import { renderPage, rotatePage, SAMPLE_LINES } from '../testing/render.ts';
import { measureSkew } from './deskew.ts';

describe('deskew', () => {
  const page = renderPage({ lines: SAMPLE_LINES, dpi: 200 });

  for (const angle of [3.7, -6.2, 0.8, -9.5]) {
    it(`measures a page turned ${angle}° within 0.3°`, async () => {
      const { skew } = await cleanPage(await rotatePage(await page, angle));
      expect(skew.lines).toBe('horizontal');
      expect(Math.abs(skew.degrees - angle)).toBeLessThan(0.3);
    });
  }

  it('measures a page lying on its side (vertical lines)', async () => {
    const { skew } = await cleanPage(await rotatePage(await rotatePage(await page, 2.5), 90));
    expect(skew.lines).toBe('vertical');
    expect(Math.abs(skew.degrees - 2.5)).toBeLessThan(0.3);
  });

  it('straightens the page: measuring the result again gives about 0', async () => {
    const { page: straight } = await cleanPage(await rotatePage(await page, -6.2));
    const mask = new Uint8Array(straight.width * straight.height);
    for (let i = 0; i < mask.length; i++) mask[i] = straight.pixels[i * straight.channels] < 128 ? 1 : 0;
    expect(Math.abs(measureSkew({ data: mask, width: straight.width, height: straight.height }).degrees)).toBeLessThan(0.15);
  });

  it('says 0 for an empty mask', () => {
    expect(measureSkew({ data: new Uint8Array(100 * 100), width: 100, height: 100 }).degrees).toBe(0);
  });
});
