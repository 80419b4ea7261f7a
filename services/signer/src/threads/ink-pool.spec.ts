import { threadNiceness } from '@sohoa/shared';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { inkMapOf, inkPixels } from '../ink-map.ts';
import { scannedPageJpeg } from '../testing/index.ts';
import { mapInkInThread, setInkThreadNice } from './ink-pool.ts';

describe("page 1's ink mapped in a thread", () => {
  afterAll(() => setInkThreadNice(0));

  it('gives the map the event loop would, from the JPEG as the PDF stores it, in a thread at the niceness asked', async () => {
    setInkThreadNice(11);
    const jpeg = await scannedPageJpeg(827); // an A4 page at 100 dpi
    const page = { width: 595.3, height: 841.7 };
    const answer = await mapInkInThread({ picture: { jpeg }, page, maxPixels: 100_000_000 });
    const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
    const dpi = (info.width / page.width) * 72;
    const inline = inkMapOf(inkPixels({ pixels: data, width: info.width, height: info.height, channels: 3 }, dpi), info.width, info.height, page);
    expect(answer!.dpi).toBeCloseTo(dpi, 6);
    expect(Buffer.from(answer!.map.cells).equals(Buffer.from(inline.cells))).toBe(true);
    expect(answer!.map.cells.some((c) => c === 1)).toBe(true); // ink found: the comparison is not of two empty maps
    if (process.platform === 'linux') {
      expect(threadNiceness().find((t) => t.tid === process.pid)!.nice).toBeLessThan(11);
      expect(threadNiceness().filter((t) => t.nice === 11).length).toBeGreaterThanOrEqual(1);
    }
  });
});
