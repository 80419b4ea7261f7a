import { readFile } from 'node:fs/promises';
import { deflateSync } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { detectScanFormat, readScan, ScanRejected } from './scan-reader.ts';

const page = (width: number, height: number, colour = '#f8f4e8'): Sharp =>
  sharp({ create: { width, height, channels: 3, background: colour } });

async function rejection(bytes: Uint8Array, options = {}): Promise<string> {
  const error = await readScan(bytes, options).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ScanRejected);
  return (error as ScanRejected).reason;
}

/** A JPEG-in-PDF file as office scanners write it. */
async function imageOnlyPdf(sizes: [number, number][], dpi: number): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  for (const [w, h] of sizes) {
    const image = await pdf.embedJpg(await page(w, h).jpeg().toBuffer());
    const [pw, ph] = [(w / dpi) * 72, (h / dpi) * 72];
    pdf.addPage([pw, ph]).drawImage(image, { x: 0, y: 0, width: pw, height: ph });
  }
  return Buffer.from(await pdf.save());
}

/** A one-page PDF around a given JPEG, byte for byte. */
async function imageOnlyPdfOf(jpeg: Buffer, width: number, height: number): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const image = await pdf.embedJpg(jpeg);
  pdf.addPage([width, height]).drawImage(image, { x: 0, y: 0, width, height });
  return Buffer.from(await pdf.save());
}

function crc32(bytes: Buffer): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A tiny PNG whose header claims a huge image: a decompression bomb's calling card. */
function pngClaiming(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(Buffer.alloc(65536))), pngChunk('IEND', Buffer.alloc(0))]);
}

describe('detectScanFormat', () => {
  it('goes by magic bytes', async () => {
    expect(detectScanFormat(await page(8, 8).jpeg().toBuffer())).toBe('jpeg');
    expect(detectScanFormat(await page(8, 8).png().toBuffer())).toBe('png');
    expect(detectScanFormat(await page(8, 8).tiff().toBuffer())).toBe('tiff');
    expect(detectScanFormat(Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8]))).toBe('tiff');
    expect(detectScanFormat(Buffer.from('%PDF-1.4\n'))).toBe('pdf');
    expect(detectScanFormat(Buffer.from('PK\x03\x04'))).toBeNull();
    expect(detectScanFormat(new Uint8Array())).toBeNull();
  });
});

describe('readScan', () => {
  it('passes a JPEG through byte for byte, with its dpi', async () => {
    const jpeg = await page(827, 1170).withDensity(100).jpeg().toBuffer();
    const [only, ...rest] = await readScan(jpeg);
    expect(rest).toHaveLength(0);
    expect(only).toMatchObject({ index: 0, format: 'jpeg', width: 827, height: 1170, dpi: 100 });
    expect(only.image.equals(jpeg)).toBe(true);
  });

  it('reads a PNG', async () => {
    const png = await page(640, 480).withDensity(300).png().toBuffer();
    expect(await readScan(png)).toMatchObject([{ format: 'png', width: 640, height: 480, dpi: 300 }]);
  });

  it('reads every page of a multi-page TIFF', async () => {
    const frames = await Promise.all([page(200, 300, '#fff'), page(200, 300, '#888'), page(200, 300, '#000')].map((p) => p.raw().toBuffer()));
    const tiff = await sharp(Buffer.concat(frames), { raw: { width: 200, height: 900, channels: 3, pageHeight: 300 } })
      .tiff({ compression: 'deflate', xres: 200 / 25.4, yres: 200 / 25.4 })
      .toBuffer();
    const pages = await readScan(tiff);
    expect(pages.map((p) => [p.index, p.width, p.height, p.dpi])).toEqual([
      [0, 200, 300, 200],
      [1, 200, 300, 200],
      [2, 200, 300, 200],
    ]);
    const means = await Promise.all(pages.map(async (p) => (await sharp(p.image).stats()).channels[0].mean));
    expect(means.map(Math.round)).toEqual([255, 136, 0]);
  });

  it('extracts the scanned JPEGs of an image-only PDF at their own size and dpi', async () => {
    const pages = await readScan(await imageOnlyPdf([[1654, 2339], [2339, 1654]], 200));
    expect(pages.map((p) => [p.format, p.width, p.height, p.dpi])).toEqual([
      ['jpeg', 1654, 2339, 200],
      ['jpeg', 2339, 1654, 200],
    ]);
  });

  it('rasterizes a PDF page that is vector text at rasterDpi', async () => {
    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    pdf.addPage([595.28, 841.89]).drawText('GIAY DE NGHI', { x: 72, y: 760, size: 24, font });
    const pages = await readScan(Buffer.from(await pdf.save()), { rasterDpi: 150 });
    expect(pages).toHaveLength(1);
    expect(pages[0]).toMatchObject({ format: 'png', width: 1241, height: 1754, dpi: 150 });
    const stats = await sharp(pages[0].image).stats();
    expect(stats.channels[0].min).toBeLessThan(100); // the text was drawn
  });

  it('rasterizes a PDF page holding two images instead of picking one', async () => {
    const pdf = await PDFDocument.create();
    const image = await pdf.embedJpg(await page(100, 100, '#333').jpeg().toBuffer());
    const sheet = pdf.addPage([200, 100]);
    sheet.drawImage(image, { x: 0, y: 0, width: 100, height: 100 });
    sheet.drawImage(image, { x: 100, y: 0, width: 100, height: 100 });
    expect(await readScan(Buffer.from(await pdf.save()), { rasterDpi: 72 })).toMatchObject([{ format: 'png', width: 200, height: 100, dpi: 72 }]);
  });

  it('reads the committed sample dossier: mixed page sizes in one TIFF, JPEGs out of the PDF', async () => {
    const scans = new URL('../../../samples/scans/', import.meta.url);
    const tiff = await readScan(await readFile(new URL('dossier-ks.tif', scans)));
    const pdf = await readScan(await readFile(new URL('dossier-ks.pdf', scans)));
    const sizes = [[1654, 2339], [1654, 2339], [2339, 1654]];
    expect(tiff.map((p) => [p.width, p.height])).toEqual(sizes);
    expect(pdf.map((p) => [p.width, p.height])).toEqual(sizes);
    expect(pdf.every((p) => p.format === 'jpeg' && p.dpi === 200)).toBe(true);
  });

  describe('rejects, with a reason for the clerk,', () => {
    it('an empty file', async () => {
      expect(await rejection(new Uint8Array())).toBe('empty file (0 bytes)');
    });

    it('something that is not a scan', async () => {
      expect(await rejection(Buffer.from('PK\x03\x04 word document'))).toBe("not an image or PDF (starts with 'PK')");
      const random = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
      expect(await rejection(random)).toMatch(/^not an image or PDF \(starts with bytes [0-9a-f ]+\)$/);
    });

    it('a truncated JPEG', async () => {
      const jpeg = await page(600, 800).jpeg().toBuffer();
      expect(await rejection(jpeg.subarray(0, Math.floor(jpeg.length / 2)))).toMatch(/^corrupt JPEG: /);
    });

    it('a JPEG whose image data breaks off in the middle, its end marker intact', async () => {
      // Noise, so that the scan data is long; a marker spliced into it is what a cut-and-joined file looks like.
      const noise = Buffer.from(Array.from({ length: 600 * 800 * 3 }, (_, i) => (i * 2654435761) >>> 24));
      const jpeg = await sharp(noise, { raw: { width: 600, height: 800, channels: 3 } }).jpeg().toBuffer();
      const scan = jpeg.indexOf(Buffer.from([0xff, 0xda]));
      Buffer.from([0xff, 0xd3]).copy(jpeg, Math.floor((scan + jpeg.length) / 2));
      expect(await rejection(jpeg)).toMatch(/^corrupt JPEG: .*premature end of data segment/);
      expect(await rejection(await imageOnlyPdfOf(jpeg, 600, 800))).toMatch(/^corrupt PDF: the image of page 1 does not decode: .*premature end/);
    });

    it('a TIFF whose header is followed by garbage', async () => {
      const tiff = await page(64, 64).tiff().toBuffer();
      const corrupt = Buffer.concat([tiff.subarray(0, 8), Buffer.alloc(4000, 0xab)]);
      expect(await rejection(corrupt)).toMatch(/^corrupt TIFF: /);
    });

    it('a PNG whose header claims 50000×50000 px, before decoding it', async () => {
      expect(await rejection(pngClaiming(50_000, 50_000))).toBe('page 1 is 50000×50000 px, over the 100 megapixel limit');
    });

    it('a TIFF with more pages than allowed', async () => {
      const frames = Buffer.alloc(10 * 10 * 3 * 4, 255);
      const tiff = await sharp(frames, { raw: { width: 10, height: 40, channels: 3, pageHeight: 10 } }).tiff().toBuffer();
      expect(await rejection(tiff, { maxPages: 3 })).toBe('4 pages, over the limit of 3 pages per file');
    });

    it('a vector PDF page that would rasterize over the pixel limit', async () => {
      const pdf = await PDFDocument.create();
      pdf.addPage([14_400, 14_400]);
      expect(await rejection(Buffer.from(await pdf.save()))).toBe('page 1 is 40000×40000 px at 200 dpi, over the 100 megapixel limit');
    });

    it('an encrypted PDF', async () => {
      // Standard security handler, RC4 40-bit, user password "x": only the trailer matters to the reader.
      const encrypted = Buffer.from(
        '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n' +
          '3 0 obj<</Filter/Standard/V 1/R 2/O(0123456789abcdef0123456789abcdef)/U(0123456789abcdef0123456789abcdef)/P -4>>endobj\n' +
          'trailer<</Root 1 0 R/Encrypt 3 0 R/ID[<00112233445566778899aabbccddeeff><00112233445566778899aabbccddeeff>]>>\n%%EOF\n',
        'latin1',
      );
      expect(await rejection(encrypted)).toBe('encrypted PDF (needs a password to open)');
    });

    it('a truncated PDF', async () => {
      const pdf = await imageOnlyPdf([[800, 1100], [800, 1100]], 100);
      expect(await rejection(pdf.subarray(0, Math.floor(pdf.length / 3)))).toMatch(/^damaged PDF|^corrupt (PDF|JPEG)/);
    });

    it('a PDF that is only a header', async () => {
      expect(await rejection(Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2048, 0x41)]))).toMatch(/^corrupt PDF: /);
    });
  });

  it('refuses a truncated JPEG or PNG every time, also when many are read at once', async () => {
    const page = await readFile(new URL('../../../samples/scans/ks-tokhai-p1.png', import.meta.url));
    const jpeg = await sharp(page).resize({ width: 600 }).flatten({ background: '#ffffff' }).jpeg({ quality: 70 }).toBuffer();
    const cuts = [0.3, 0.38, 0.5, 0.62, 0.75, 0.9].map((k) => jpeg.subarray(0, Math.floor(jpeg.length * k)));
    const outcomes = await Promise.all([...cuts, ...cuts, ...cuts, ...cuts].map((bytes) => readScan(bytes).then(() => 'taken', (e: unknown) => (e instanceof ScanRejected ? 'refused' : 'error'))));
    expect(outcomes.filter((o) => o !== 'refused')).toEqual([]);
    const png = await sharp(page).resize({ width: 600 }).png().toBuffer();
    const cutPngs = [0.5, 0.74, 0.9, 0.99].map((k) => png.subarray(0, Math.floor(png.length * k)));
    const pngOutcomes = await Promise.all([...cutPngs, ...cutPngs, ...cutPngs].map((bytes) => readScan(bytes).then(() => 'taken', (e: unknown) => (e instanceof ScanRejected ? 'refused' : 'error'))));
    expect(pngOutcomes.filter((o) => o !== 'refused')).toEqual([]);
  });
});
