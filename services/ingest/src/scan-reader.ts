/**
 * Reads what a counter's scanner produced (JPEG, PNG, multi-page TIFF or
 * PDF) into page images, and refuses anything else with a reason a clerk
 * can read. Everything arriving here is untrusted: the format is decided by
 * magic bytes, sizes are checked from headers before any pixel is decoded,
 * and every failure leaves as a ScanRejected.
 */
import sharp, { type Metadata, type Sharp } from 'sharp';
import type * as Mupdf from 'mupdf';

export interface ScanPage {
  /** 0-based position in the file. */
  index: number;
  image: Buffer;
  format: 'jpeg' | 'png' | 'tiff';
  width: number;
  height: number;
  dpi?: number;
}

export class ScanRejected extends Error {
  constructor(public reason: string) {
    super(reason);
    this.name = 'ScanRejected';
  }
}

export interface ScanReaderOptions {
  /** Largest page accepted, in pixels (decompression-bomb guard). */
  maxPixels?: number;
  /** Largest sum of all pages' pixels in one file: checked from headers before the first page is decoded. */
  maxFilePixels?: number;
  maxPages?: number;
  /** Resolution for PDF pages that are not a single scanned image. */
  rasterDpi?: number;
}

export type ScanFormat = 'jpeg' | 'png' | 'tiff' | 'pdf';

interface Limits {
  maxPixels: number;
  maxFilePixels: number;
  maxPages: number;
  rasterDpi: number;
}

const DEFAULTS: Limits = { maxPixels: 100_000_000, maxFilePixels: 600_000_000, maxPages: 500, rasterDpi: 200 };
/** A decode that takes longer than this is treated as hostile, not slow. */
const DECODE_TIMEOUT_SECONDS = 60;
/** Acrobat accepts a PDF header anywhere in the first 1024 bytes; so do scanners' consumers. */
const PDF_HEADER_WINDOW = 1024;

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  return bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);
}

/** The file's format from its magic bytes; the name a citizen's file carries proves nothing. */
export function detectScanFormat(bytes: Uint8Array): ScanFormat | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  // Classic TIFF (42) and BigTIFF (43), either byte order.
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (startsWith(bytes, [0x49, 0x49, 0x2b, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2b])) return 'tiff';
  const head = Buffer.from(bytes.subarray(0, PDF_HEADER_WINDOW)).toString('latin1');
  if (head.includes('%PDF-')) return 'pdf';
  return null;
}

/** How an unknown file begins, in words: its leading letters ('PK' is a ZIP, '<!DO' a web page), else hex. */
function describeStart(bytes: Uint8Array): string {
  const head = Array.from(bytes.subarray(0, 4));
  const printable = head.findIndex((b) => b < 0x20 || b >= 0x7f);
  const letters = printable === -1 ? head.length : printable;
  if (letters >= 2) return `starts with '${String.fromCharCode(...head.slice(0, letters))}'`;
  return `starts with bytes ${head.map((b) => b.toString(16).padStart(2, '0')).join(' ')}`;
}

const FORMAT_NAMES: Record<ScanFormat, string> = { jpeg: 'JPEG', png: 'PNG', tiff: 'TIFF', pdf: 'PDF' };

export async function readScan(bytes: Uint8Array, options: ScanReaderOptions = {}): Promise<ScanPage[]> {
  const limits: Limits = { ...DEFAULTS, ...definedOnly(options) };
  if (bytes.length === 0) throw new ScanRejected('empty file (0 bytes)');
  const format = detectScanFormat(bytes);
  if (!format) throw new ScanRejected(`not an image or PDF (${describeStart(bytes)})`);
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    if (format === 'pdf') return await readPdf(input, limits);
    if (format === 'tiff') return await readTiff(input, limits);
    return [await readSingleImage(input, format, limits)];
  } catch (error) {
    if (error instanceof ScanRejected) throw error;
    throw new ScanRejected(`corrupt ${FORMAT_NAMES[format]}: ${detail(error)}`);
  }
}

function definedOnly(options: ScanReaderOptions): Partial<Limits> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<Limits>;
}

function detail(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // sharp says this when a valid signature is followed by data libvips cannot parse.
  if (/unsupported image format/i.test(message)) return 'the header is recognised but the image data cannot be read';
  // libvips messages run over several lines; the first says what went wrong.
  return message.split('\n')[0].replace(/^Input (buffer|file) /, '').slice(0, 200);
}

function megapixels(limit: number): string {
  return `${Math.round(limit / 1_000_000)} megapixel`;
}

function checkPixels(pageNumber: number, width: number, height: number, limits: Limits, how = ''): void {
  if (!(width > 0 && height > 0)) throw new ScanRejected(`page ${pageNumber} has no size (${width}×${height} px)`);
  if (width * height > limits.maxPixels) {
    throw new ScanRejected(`page ${pageNumber} is ${width}×${height} px${how}, over the ${megapixels(limits.maxPixels)} limit`);
  }
}

/** Adds a page to the file's running total; over the bound, the file is refused before that page is decoded. */
function filePixels(limits: Limits): (pageNumber: number, pixels: number) => void {
  let total = 0;
  return (pageNumber, pixels) => {
    total += pixels;
    if (total > limits.maxFilePixels) {
      throw new ScanRejected(`the pages up to page ${pageNumber} hold ${megapixels(total)}s in all, over the ${megapixels(limits.maxFilePixels)} limit per file: split the file`);
    }
  };
}

function checkPageCount(count: number, limits: Limits): void {
  if (count < 1) throw new ScanRejected('the file has no pages');
  if (count > limits.maxPages) throw new ScanRejected(`${count} pages, over the limit of ${limits.maxPages} pages per file`);
}

function dpiOf(meta: Metadata): number | undefined {
  return meta.density && meta.density > 0 ? Math.round(meta.density) : undefined;
}

function decoder(input: Buffer, limits: Limits, page?: number): Sharp {
  // failOn 'warning' makes a truncated JPEG ("premature end of data") an error, not a grey page.
  return sharp(input, { limitInputPixels: limits.maxPixels, failOn: 'warning', page, sequentialRead: true }).timeout({
    seconds: DECODE_TIMEOUT_SECONDS,
  });
}

/** Header only: sharp's metadata() does not decode pixels. */
async function header(input: Buffer, page?: number): Promise<Metadata> {
  return sharp(input, { limitInputPixels: false, page }).metadata();
}

/**
 * Whether a JPEG's scan data reaches its end-of-image marker. libjpeg's "premature end" is only a warning, and under
 * concurrent decodes sharp's failOn did not always turn it into an error; the marker is certain: in entropy-coded data
 * every 0xFF is followed by 0x00 or a restart marker, so an FF D9 after the first start-of-scan is the end.
 */
function jpegReachesEnd(input: Buffer): boolean {
  const scan = input.indexOf(Buffer.from([0xff, 0xda]), 2);
  return scan > 0 && input.indexOf(Buffer.from([0xff, 0xd9]), scan + 2) > 0;
}

/** An IEND chunk: length 0, then its type. libpng reports a file cut before it only as a warning, as libjpeg does. */
const PNG_END = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44]);

/**
 * Decodes every byte of the image's data, so that corrupt data is refused here, not in OCR. A JPEG is decoded at
 * 1/8 scale: libjpeg still reads every entropy-coded block (where corruption shows), but skips most of the inverse
 * transform, 19 ms a page instead of 258 (bench/results/ocr-options.md).
 */
async function proveDecodes(input: Buffer, format: 'jpeg' | 'png', width: number, limits: Limits): Promise<void> {
  if (format === 'jpeg') await decoder(input, limits).resize({ width: Math.max(1, Math.floor(width / 8)) }).raw().toBuffer();
  else await decoder(input, limits).stats();
}

/** JPEG and PNG pages pass through byte for byte, once a decode proved them whole. */
async function readSingleImage(input: Buffer, format: 'jpeg' | 'png', limits: Limits): Promise<ScanPage> {
  if (format === 'jpeg' && !jpegReachesEnd(input)) throw new ScanRejected('corrupt JPEG: truncated, the image data stops before its end marker');
  if (format === 'png' && !input.includes(PNG_END)) throw new ScanRejected('corrupt PNG: truncated, the file stops before its end chunk (IEND)');
  const meta = await header(input);
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  checkPixels(1, width, height, limits);
  await proveDecodes(input, format, width, limits);
  return { index: 0, image: input, format, width, height, dpi: dpiOf(meta) };
}

/** Every TIFF directory becomes a page, re-encoded as PNG so that nothing is lost. */
async function readTiff(input: Buffer, limits: Limits): Promise<ScanPage[]> {
  const first = await header(input);
  const count = first.pages ?? 1;
  checkPageCount(count, limits);
  // Every page's header first: ten 100-megapixel pages in a 98 KB file are refused in milliseconds, not decoded for 95 s.
  const metas: Metadata[] = [];
  const addPixels = filePixels(limits);
  for (let index = 0; index < count; index++) {
    // Pages of one TIFF may differ in size (a landscape paper among portrait ones).
    const meta = index === 0 ? first : await header(input, index);
    checkPixels(index + 1, meta.width ?? 0, meta.height ?? 0, limits);
    addPixels(index + 1, (meta.width ?? 0) * (meta.height ?? 0));
    metas.push(meta);
  }
  const pages: ScanPage[] = [];
  for (const [index, meta] of metas.entries()) {
    const image = await decoder(input, limits, index).png().toBuffer();
    pages.push({ index, image, format: 'png', width: meta.width ?? 0, height: meta.height ?? 0, dpi: dpiOf(meta) });
  }
  return pages;
}

// ---------------------------------------------------------------- PDF

let mupdfModule: Promise<typeof Mupdf> | undefined;
/** MuPDF is WebAssembly: loaded on the first PDF, not at start-up. */
function loadMupdf(): Promise<typeof Mupdf> {
  mupdfModule ??= import('mupdf');
  return mupdfModule;
}

interface PageContent {
  images: { image: Mupdf.Image; ctm: Mupdf.Matrix }[];
  /** Anything drawn that is not an image: text, vector paths, shadings. */
  marks: number;
}

function pageContent(mupdf: typeof Mupdf, page: Mupdf.Page): PageContent {
  const content: PageContent = { images: [], marks: 0 };
  const mark = (): void => void content.marks++;
  const device = new mupdf.Device({
    fillImage: (image, ctm) => void content.images.push({ image, ctm }),
    fillImageMask: mark,
    fillPath: mark,
    strokePath: mark,
    fillText: mark,
    strokeText: mark,
    fillShade: mark,
  });
  try {
    page.run(device, mupdf.Matrix.identity);
  } finally {
    device.close();
  }
  return content;
}

/** Whether the one image lies upright over the whole page, as a scanner places it. */
function coversPageUpright(ctm: Mupdf.Matrix, bounds: Mupdf.Rect): boolean {
  const [a, b, c, d, e, f] = ctm;
  const [x0, y0, x1, y1] = bounds;
  const w = x1 - x0;
  const h = y1 - y0;
  const near = (p: number, q: number, span: number): boolean => Math.abs(p - q) <= span * 0.01 + 0.5;
  return b === 0 && c === 0 && a > 0 && d > 0 && near(e, x0, w) && near(f, y0, h) && near(e + a, x1, w) && near(f + d, y1, h);
}

/** The raw JPEG of a page's only image XObject, when it is a plain DCT stream. */
function scannedJpeg(page: Mupdf.Page, image: Mupdf.Image): Buffer | null {
  if (!('getObject' in page)) return null;
  const xobjects = (page as Mupdf.PDFPage).getObject().get('Resources').get('XObject');
  if (!xobjects.isDictionary()) return null;
  const streams: Mupdf.PDFObject[] = [];
  // Kept as references: MuPDF reads stream data only through the indirect object.
  xobjects.forEach((value) => void streams.push(value));
  if (streams.length !== 1) return null;
  const stream = streams[0];
  const filter = stream.get('Filter');
  const dct = filter.isName() ? filter.asName() === 'DCTDecode' : filter.isArray() && filter.length === 1 && filter.get(0).asName() === 'DCTDecode';
  const plain = stream.get('SMask').isNull() && stream.get('Mask').isNull() && stream.get('Decode').isNull() && !stream.get('ImageMask').asBoolean();
  const sameSize = stream.get('Width').asNumber() === image.getWidth() && stream.get('Height').asNumber() === image.getHeight();
  if (!stream.isStream() || !dct || !plain || !sameSize) return null;
  return Buffer.from(stream.readRawStream().asUint8Array());
}

function openPdf(mupdf: typeof Mupdf, input: Buffer): Mupdf.Document {
  let doc: Mupdf.Document;
  try {
    doc = mupdf.Document.openDocument(input, 'application/pdf');
  } catch (error) {
    throw new ScanRejected(`corrupt PDF: ${detail(error)}`);
  }
  if (doc.needsPassword()) throw new ScanRejected('encrypted PDF (needs a password to open)');
  return doc;
}

async function readPdf(input: Buffer, limits: Limits): Promise<ScanPage[]> {
  const mupdf = await loadMupdf();
  const doc = openPdf(mupdf, input);
  const count = doc.countPages();
  // MuPDF rebuilds a broken file silently; a truncated upload then shows empty pages, or none.
  const repaired = doc.asPDF()?.wasRepaired() ?? false;
  if (count < 1 && repaired) throw new ScanRejected('damaged PDF (truncated or broken cross-reference table): no pages found');
  checkPageCount(count, limits);
  const pages: ScanPage[] = [];
  const addPixels = filePixels(limits);
  for (let index = 0; index < count; index++) {
    let page: Mupdf.Page;
    try {
      page = doc.loadPage(index);
    } catch (error) {
      throw new ScanRejected(`corrupt PDF: page ${index + 1}: ${detail(error)}`);
    }
    pages.push(await readPdfPage(mupdf, page, index, limits, repaired, addPixels));
  }
  return pages;
}

async function readPdfPage(
  mupdf: typeof Mupdf, page: Mupdf.Page, index: number, limits: Limits, repaired: boolean, addPixels: (pageNumber: number, pixels: number) => void,
): Promise<ScanPage> {
  const bounds = page.getBounds();
  const widthPt = bounds[2] - bounds[0];
  const heightPt = bounds[3] - bounds[1];
  if (!(widthPt > 0 && heightPt > 0)) throw new ScanRejected(`page ${index + 1} of the PDF has no size`);
  const content = pageContent(mupdf, page);
  if (repaired && content.images.length === 0 && content.marks === 0) {
    throw new ScanRejected(`damaged PDF (truncated or broken cross-reference table): page ${index + 1} has no content left`);
  }
  const only = content.images.length === 1 && content.marks === 0 ? content.images[0] : null;
  if (only) {
    const { image, ctm } = only;
    checkPixels(index + 1, image.getWidth(), image.getHeight(), limits, ' (embedded image)');
    const dpi = Math.round((image.getWidth() / widthPt) * 72);
    if (coversPageUpright(ctm, bounds)) {
      const jpeg = scannedJpeg(page, image);
      if (jpeg) {
        addPixels(index + 1, image.getWidth() * image.getHeight());
        return { ...(await checkedJpeg(jpeg, index, limits)), dpi };
      }
    }
    // A scan that is rotated, masked or not JPEG: draw the page at the image's own resolution.
    return rasterize(mupdf, page, index, dpi, limits, addPixels);
  }
  return rasterize(mupdf, page, index, limits.rasterDpi, limits, addPixels);
}

async function checkedJpeg(jpeg: Buffer, index: number, limits: Limits): Promise<ScanPage> {
  try {
    const page = await readSingleImage(jpeg, 'jpeg', limits);
    return { ...page, index };
  } catch (error) {
    if (error instanceof ScanRejected) throw error;
    throw new ScanRejected(`corrupt PDF: the image of page ${index + 1} does not decode: ${detail(error)}`);
  }
}

function rasterize(mupdf: typeof Mupdf, page: Mupdf.Page, index: number, dpi: number, limits: Limits, addPixels: (pageNumber: number, pixels: number) => void): ScanPage {
  const bounds = page.getBounds();
  const scale = dpi / 72;
  const width = Math.ceil((bounds[2] - bounds[0]) * scale);
  const height = Math.ceil((bounds[3] - bounds[1]) * scale);
  // Checked before MuPDF allocates the pixmap: a huge MediaBox is a bomb too.
  checkPixels(index + 1, width, height, limits, ` at ${dpi} dpi`);
  addPixels(index + 1, width * height);
  const pixmap = page.toPixmap(mupdf.Matrix.scale(scale, scale), mupdf.ColorSpace.DeviceRGB, false, true);
  try {
    const image = Buffer.from(pixmap.asPNG());
    return { index, image, format: 'png', width: pixmap.getWidth(), height: pixmap.getHeight(), dpi };
  } finally {
    pixmap.destroy();
  }
}
