/**
 * Joins single-page TIFF files into one multi-page TIFF.
 *
 * Why by hand: sharp/libvips writes multi-page TIFF only as a "toilet roll"
 * of equally sized pages, while a real dossier mixes portrait and landscape
 * (a paper fed sideways). Each page is written by sharp as its own TIFF
 * (JPEG-compressed, with resolution tags); here the files are laid end to
 * end, every absolute offset is shifted, and the IFDs are chained.
 */

const TYPE_SIZES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4 };
/** Tags whose values are file offsets. */
const OFFSET_TAGS = new Set([273 /* StripOffsets */, 324 /* TileOffsets */, 513 /* JPEGInterchangeFormat */]);
/** Tags pointing at sub-directories this joiner does not follow. */
const UNSUPPORTED_TAGS = new Set([330 /* SubIFDs */, 34665 /* Exif IFD */, 34853 /* GPS IFD */]);

interface Io {
  u16(at: number): number;
  u32(at: number): number;
  set16(at: number, v: number): void;
  set32(at: number, v: number): void;
}

function io(buf: Buffer, little: boolean): Io {
  return {
    u16: (at) => (little ? buf.readUInt16LE(at) : buf.readUInt16BE(at)),
    u32: (at) => (little ? buf.readUInt32LE(at) : buf.readUInt32BE(at)),
    set16: (at, v) => (little ? buf.writeUInt16LE(v, at) : buf.writeUInt16BE(v, at)),
    set32: (at, v) => (little ? buf.writeUInt32LE(v, at) : buf.writeUInt32BE(v, at)),
  };
}

function byteOrder(file: Buffer): boolean {
  const mark = file.toString('latin1', 0, 2);
  if (mark === 'II' && file.readUInt16LE(2) === 42) return true;
  if (mark === 'MM' && file.readUInt16BE(2) === 42) return false;
  throw new Error('not a classic TIFF file (BigTIFF is not joined)');
}

export function joinTiffPages(files: Buffer[]): Buffer {
  if (files.length === 0) throw new Error('no pages to join');
  const little = byteOrder(files[0]);
  const parts: Buffer[] = [];
  const ifdPositions: number[] = [];
  let length = 0;
  for (const file of files) {
    if (byteOrder(file) !== little) throw new Error('pages differ in byte order');
    const base = length;
    const copy = Buffer.from(file);
    const r = io(copy, little);
    const ifd = r.u32(4);
    const count = r.u16(ifd);
    for (let i = 0; i < count; i++) {
      const entry = ifd + 2 + i * 12;
      const tag = r.u16(entry);
      const type = r.u16(entry + 2);
      const n = r.u32(entry + 4);
      if (UNSUPPORTED_TAGS.has(tag)) throw new Error(`page carries tag ${tag}, which the joiner does not follow`);
      const bytes = (TYPE_SIZES[type] ?? 1) * n;
      const valueAt = bytes > 4 ? r.u32(entry + 8) : entry + 8;
      if (OFFSET_TAGS.has(tag)) {
        for (let k = 0; k < n; k++) {
          if (type === 3) r.set16(valueAt + k * 2, r.u16(valueAt + k * 2) + base);
          else r.set32(valueAt + k * 4, r.u32(valueAt + k * 4) + base);
        }
      }
      if (bytes > 4) r.set32(entry + 8, valueAt + base);
    }
    if (r.u32(ifd + 2 + count * 12) !== 0) throw new Error('page file already has several directories');
    ifdPositions.push(base + ifd);
    parts.push(copy);
    length += copy.length;
    // TIFF wants directories and data on word boundaries.
    if (length % 2) {
      parts.push(Buffer.alloc(1));
      length += 1;
    }
  }
  const out = Buffer.concat(parts);
  const w = io(out, little);
  // The first file's own header now serves the whole file.
  w.set32(4, ifdPositions[0]);
  for (let p = 0; p < ifdPositions.length; p++) {
    const ifd = ifdPositions[p];
    const next = ifd + 2 + w.u16(ifd) * 12;
    w.set32(next, ifdPositions[p + 1] ?? 0);
  }
  return out;
}
