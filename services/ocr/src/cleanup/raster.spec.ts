import { describe, expect, it } from 'vitest';
import { pbm } from './raster.ts';

describe('PBM of a black-and-white image', () => {
  it('packs ink (dark) as set bits, eight pixels a byte, each row padded to a whole byte', () => {
    // 10 × 2: row 0 ink at x = 0, 7, 8; row 1 ink at x = 9 only.
    const data = new Uint8Array(20).fill(255);
    for (const i of [0, 7, 8, 19]) data[i] = 0;
    const out = pbm({ data, width: 10, height: 2 });
    const header = 'P4\n10 2\n';
    expect(out.subarray(0, header.length).toString('ascii')).toBe(header);
    expect([...out.subarray(header.length)]).toEqual([0b1000_0001, 0b1000_0000, 0b0000_0000, 0b0100_0000]);
  });

  it("packs grey values by the same rule, 127 ink and 128 paper, whole bytes and the row's tail alike", () => {
    const width = 21;
    const data = Uint8Array.from({ length: width * 3 }, (_, i) => (i * 37) % 256);
    data.set([127, 128], 0);
    data.set([127, 128], 19);
    const out = pbm({ data, width, height: 3 });
    const rowBytes = 3;
    const body = out.subarray(out.length - rowBytes * 3);
    for (let y = 0; y < 3; y++) for (let x = 0; x < width; x++) {
      const bit = (body[y * rowBytes + (x >> 3)] >> (7 - (x & 7))) & 1;
      expect(bit).toBe(data[y * width + x] < 128 ? 1 : 0);
    }
    for (let y = 0; y < 3; y++) expect(body[y * rowBytes + 2] & 0b0000_0111).toBe(0);
  });
});
