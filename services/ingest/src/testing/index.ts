/** Scan fixtures for specs and the hostile-file bench (exported as '@sohoa/ingest/testing'; never production code). */

/**
 * A little-endian TIFF of `pages` bilevel pages each claiming width × height, with a few bytes of CCITT G4 data:
 * the 98 KB file of ten 10000 × 9990 pages that once took 95 s and 3.5 GB is of this kind.
 */
export function tiffClaiming(pages: number, width: number, height: number): Buffer {
  const entries = 8;
  const ifdSize = 2 + entries * 12 + 4;
  const data = Buffer.from([0x26, 0xa0, 0x00, 0x10, 0x00, 0x10]); // a scrap of G4 code
  const out = Buffer.alloc(8 + pages * (ifdSize + data.length));
  out.write('II', 0, 'latin1');
  out.writeUInt16LE(42, 2);
  out.writeUInt32LE(8, 4);
  for (let p = 0; p < pages; p++) {
    const at = 8 + p * (ifdSize + data.length);
    const dataAt = at + ifdSize;
    const tags: [number, number, number][] = [
      [256, 4, width], [257, 4, height], [258, 3, 1], [259, 3, 4], [262, 3, 0], [273, 4, dataAt], [278, 4, height], [279, 4, data.length],
    ];
    out.writeUInt16LE(entries, at);
    tags.forEach(([tag, type, value], i) => {
      const e = at + 2 + i * 12;
      out.writeUInt16LE(tag, e);
      out.writeUInt16LE(type, e + 2);
      out.writeUInt32LE(1, e + 4);
      if (type === 3) out.writeUInt16LE(value, e + 8);
      else out.writeUInt32LE(value, e + 8);
    });
    out.writeUInt32LE(p + 1 < pages ? dataAt + data.length : 0, at + 2 + entries * 12);
    data.copy(out, dataAt);
  }
  return out;
}
