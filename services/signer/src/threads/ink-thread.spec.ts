import { describe, expect, it } from 'vitest';
import { scannedPageJpeg } from '../testing/index.ts';
import mapInk from './ink-thread.ts';

const A4 = { width: 595.3, height: 841.7 };

describe('the ink thread', () => {
  it("maps a picture once for both of a document's signatures, and again for another picture or page box", async () => {
    const jpeg = await scannedPageJpeg(1654); // A4 at 200 dpi
    const task = { picture: { jpeg }, page: A4, maxPixels: 100_000_000 };
    const first = await mapInk(task);
    expect(first?.map.cells.some((cell) => cell === 1)).toBe(true);
    // The officer's signature, then the unit's, over the same page 1: one mapping.
    expect(await mapInk({ ...task, picture: { jpeg: Uint8Array.from(jpeg) } })).toBe(first);
    const otherBox = await mapInk({ ...task, page: { width: A4.width / 2, height: A4.height / 2 } });
    expect(otherBox).not.toBe(first);
    expect(otherBox?.map.columns).toBeLessThan(first!.map.columns);
    const otherPicture = await scannedPageJpeg(1240); // the same page at 150 dpi: other bytes
    expect(await mapInk({ ...task, picture: { jpeg: otherPicture } })).not.toBe(first);
  });
});
