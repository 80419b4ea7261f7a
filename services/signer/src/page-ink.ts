/**
 * What page 1 of a PDF about to be signed looks like, for placing the
 * visible signature: its ink map, read from the page's picture, and the
 * boxes of annotations already on it (an earlier signature).
 *
 * sohoa's own records are scans: one full-page image per page (JPEG, see
 * services/ocr/src/pdf/searchable-pdf.ts) under an invisible text layer. The
 * ink map is read from that image with pdf-lib and sharp, no renderer needed.
 * Any other page 1 — vector text, several images, an image not covering the
 * page, /Rotate, an image format left out here — has no ink map (null): the
 * signature then goes to its prescribed corner, as it did before placement
 * existed (`sohoa sign` on arbitrary PDFs).
 */
import {
  decodePDFRawStream,
  PDFArray,
  PDFDict,
  PDFName,
  PDFNumber,
  PDFRawStream,
  PDFStream,
  type PDFDocument,
  type PDFPage,
} from 'pdf-lib';
import { isMainThread } from 'node:worker_threads';
import type { InkMap } from './ink-map.ts';
import { mapInkInThread } from './threads/ink-pool.ts';
import mapInk, { type InkTask } from './threads/ink-thread.ts';
import type { Box } from './signature-placement.ts';

/** Larger page images are not decoded for placement (decompression bombs); the prescribed corner is used. */
const MAX_IMAGE_PIXELS = 100_000_000;
/** How far, in points, the image may stop short of the page box and still count as covering it. */
const COVER_TOLERANCE = 1;

type Matrix = [number, number, number, number, number, number];
const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

/** m1 then m2, as PDF concatenates `cm` operands onto the CTM. */
function multiply(m1: Matrix, m2: Matrix): Matrix {
  return [
    m1[0] * m2[0] + m1[1] * m2[2],
    m1[0] * m2[1] + m1[1] * m2[3],
    m1[2] * m2[0] + m1[3] * m2[2],
    m1[2] * m2[1] + m1[3] * m2[3],
    m1[4] * m2[0] + m1[5] * m2[2] + m2[4],
    m1[4] * m2[1] + m1[5] * m2[3] + m2[5],
  ];
}

const latin1 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');

function streamBytes(stream: unknown): Uint8Array | null {
  if (stream instanceof PDFRawStream) return decodePDFRawStream(stream).decode();
  if (stream instanceof PDFStream) return stream.getContents();
  return null;
}

function pageContent(doc: PDFDocument, page: PDFPage): string | null {
  const contents = page.node.Contents();
  const parts = contents instanceof PDFArray ? contents.asArray().map((ref) => doc.context.lookup(ref)) : [contents];
  const texts: string[] = [];
  for (const part of parts) {
    const bytes = streamBytes(part);
    if (!bytes) return null;
    texts.push(latin1(bytes));
  }
  return texts.join('\n');
}

/**
 * The `Do` operations of a content stream with the CTM each draws under;
 * null where the stream has something this reader does not follow (inline
 * images). Strings, arrays and dictionaries are stepped over, not parsed.
 */
export function drawnXObjects(content: string): Array<{ name: string; matrix: Matrix }> | null {
  const drawn: Array<{ name: string; matrix: Matrix }> = [];
  const stack: Matrix[] = [];
  let ctm = IDENTITY;
  let operands: string[] = [];
  let at = 0;
  const n = content.length;
  while (at < n) {
    const char = content[at]!;
    if (/\s/.test(char)) {
      at++;
    } else if (char === '%') {
      while (at < n && content[at] !== '\n' && content[at] !== '\r') at++;
    } else if (char === '(') {
      let depth = 0;
      for (; at < n; at++) {
        if (content[at] === '\\') at++;
        else if (content[at] === '(') depth++;
        else if (content[at] === ')' && --depth === 0) break;
      }
      at++;
      operands.push('(string)');
    } else if (content.startsWith('<<', at) || content.startsWith('>>', at) || char === '[' || char === ']' || char === '{' || char === '}') {
      at += content.startsWith('<<', at) || content.startsWith('>>', at) ? 2 : 1;
    } else if (char === '<') {
      at = content.indexOf('>', at) + 1 || n;
      operands.push('<hex>');
    } else {
      const start = at;
      at++;
      while (at < n && !/[\s()<>[\]{}/%]/.test(content[at]!)) at++;
      const token = content.slice(start, at);
      if (token.startsWith('/') || /^[+-]?(\d+\.?\d*|\.\d+)$/.test(token)) {
        operands.push(token);
        continue;
      }
      if (token === 'BI') return null;
      if (token === 'q') stack.push(ctm);
      else if (token === 'Q') ctm = stack.pop() ?? IDENTITY;
      else if (token === 'cm' && operands.length >= 6) ctm = multiply(operands.slice(-6).map(Number) as Matrix, ctm);
      else if (token === 'Do' && operands.length >= 1) drawn.push({ name: operands[operands.length - 1]!.slice(1), matrix: ctm });
      operands = [];
    }
  }
  return drawn;
}

/**
 * The picture of an image XObject, when it is a format this reader decodes: JPEG (decoded in the ink thread), or
 * 8-bit grey/RGB deflated.
 */
function picture(doc: PDFDocument, image: PDFRawStream): InkTask['picture'] | null {
  const dict = image.dict;
  const width = dict.lookup(PDFName.of('Width'), PDFNumber).asNumber();
  const height = dict.lookup(PDFName.of('Height'), PDFNumber).asNumber();
  if (!(width > 0 && height > 0) || width * height > MAX_IMAGE_PIXELS) return null;
  if (dict.get(PDFName.of('ImageMask')) || dict.get(PDFName.of('Decode'))) return null;
  const filter = dict.lookup(PDFName.of('Filter'));
  const filters = filter instanceof PDFArray ? filter.asArray().map((f) => doc.context.lookup(f)) : filter ? [filter] : [];
  const names = filters.map((f) => (f instanceof PDFName ? f.asString() : '?'));

  if (names.length === 1 && names[0] === '/DCTDecode') return { jpeg: image.contents };
  if (names.every((name) => name === '/FlateDecode') && !dict.get(PDFName.of('DecodeParms'))) {
    if (dict.lookup(PDFName.of('BitsPerComponent'))?.toString() !== '8') return null;
    const space = dict.lookup(PDFName.of('ColorSpace'));
    const channels = space?.toString() === '/DeviceGray' ? 1 : space?.toString() === '/DeviceRGB' ? 3 : 0;
    if (channels === 0) return null;
    const pixels = decodePDFRawStream(image).decode();
    if (pixels.length < width * height * channels) return null;
    return { raster: { pixels, width, height, channels: channels as 1 | 3 } };
  }
  return null;
}

export interface PageInk {
  map: InkMap;
  /** The picture's resolution, pixels per inch. */
  dpi: number;
}

/** The ink map of a page that is one full-page picture, or null (see the module comment). */
export async function pageInkMap(doc: PDFDocument, page: PDFPage): Promise<PageInk | null> {
  try {
    if (page.getRotation().angle % 360 !== 0) return null;
    const content = pageContent(doc, page);
    const drawn = content === null ? null : drawnXObjects(content);
    if (!drawn || drawn.length !== 1) return null;
    const xobjects = page.node.Resources()?.lookup(PDFName.of('XObject'));
    if (!(xobjects instanceof PDFDict)) return null;
    const image = xobjects.lookup(PDFName.of(drawn[0]!.name));
    if (!(image instanceof PDFRawStream) || image.dict.get(PDFName.of('Subtype'))?.toString() !== '/Image') return null;

    // Upright and unskewed, covering the crop box: image row 0 is the top of the page.
    const [a, b, c, d, e, f] = drawn[0]!.matrix;
    const crop = page.getCropBox();
    const upright = b === 0 && c === 0 && a > 0 && d > 0;
    const covers =
      Math.abs(e - crop.x) <= COVER_TOLERANCE &&
      Math.abs(f - crop.y) <= COVER_TOLERANCE &&
      Math.abs(e + a - (crop.x + crop.width)) <= COVER_TOLERANCE &&
      Math.abs(f + d - (crop.y + crop.height)) <= COVER_TOLERANCE;
    if (!upright || !covers) return null;

    const drawnPicture = picture(doc, image);
    if (!drawnPicture) return null;
    // Decoding and the pixel loops held the event loop about 250 ms a signature: on it they go to the ink thread;
    // in the signing thread (services/signer/src/threads/sign-thread.ts) they run where they are.
    return await (isMainThread ? mapInkInThread : mapInk)({ picture: drawnPicture, page: { width: crop.width, height: crop.height }, maxPixels: MAX_IMAGE_PIXELS });
  } catch {
    // A picture pdf-lib or sharp cannot read is no reason to refuse signing: the prescribed corner it is.
    return null;
  }
}

/** Rectangles of the annotations on the page (earlier signatures among them), in the ink map's frame. */
export function annotationBoxes(doc: PDFDocument, page: PDFPage): Box[] {
  const crop = page.getCropBox();
  const boxes: Box[] = [];
  for (const ref of page.node.Annots()?.asArray() ?? []) {
    const annotation = doc.context.lookup(ref);
    if (!(annotation instanceof PDFDict)) continue;
    const rect = annotation.lookup(PDFName.of('Rect'));
    if (!(rect instanceof PDFArray) || rect.size() !== 4) continue;
    const [x0, y0, x1, y1] = rect.asArray().map((value) => (value instanceof PDFNumber ? value.asNumber() : Number.NaN));
    if (![x0, y0, x1, y1].every(Number.isFinite)) continue;
    const left = Math.min(x0!, x1!) - crop.x;
    const top = crop.y + crop.height - Math.max(y0!, y1!);
    const width = Math.abs(x1! - x0!);
    const height = Math.abs(y1! - y0!);
    if (width > 0 && height > 0) boxes.push({ left, top, width, height });
  }
  return boxes;
}
