import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import sharp from 'sharp';
import {
  PDFDocument,
  PDFName,
  PDFString,
  PDFHexString,
  beginText,
  endText,
  setFontAndSize,
  setTextMatrix,
  setTextRenderingMode,
  showText,
  TextRenderingMode,
  type PDFFont,
  type PDFOperator,
} from 'pdf-lib';
import type { ProcessedPage } from '../ocr.service.ts';
import type { OcrWord } from '../text/layout.ts';
import { xmpPacket } from './xmp.ts';

/**
 * Image-over-text PDF: each page is the archival JPEG at its true size, with the recognized words laid
 * invisibly (rendering mode 3) exactly where they are in the picture, so text extraction and search
 * work and a viewer highlights the right spot.
 */

export interface PdfMetadata {
  title?: string;
  author?: string;
  subject?: string;
  keywords?: string[];
  language?: string;
  creator?: string;
}

const require = createRequire(import.meta.url);
let fontBytes: Promise<Buffer> | undefined;

/** DejaVu Sans covers every precomposed Vietnamese letter (U+1EA0..U+1EF9, ơ, ư, đ). */
function textFont(): Promise<Buffer> {
  fontBytes ??= readFile(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'));
  return fontBytes;
}

let srgbBytes: Promise<Buffer> | undefined;

/**
 * The sRGB profile for the PDF/A output intent, taken from libvips (which ships it) rather than a
 * file in the repo: the scans' JPEGs are sRGB, so this states how their DeviceRGB is to be shown.
 */
function srgbProfile(): Promise<Buffer> {
  srgbBytes ??= sharp({ create: { width: 1, height: 1, channels: 3, background: '#ffffff' } })
    .withIccProfile('srgb')
    .jpeg()
    .toBuffer()
    .then((jpeg) => sharp(jpeg).metadata())
    .then((meta) => {
      if (!meta.icc) throw new Error('libvips gave no sRGB profile');
      return meta.icc;
    });
  return srgbBytes;
}

async function addOutputIntent(doc: PDFDocument): Promise<void> {
  const profile = doc.context.flateStream(await srgbProfile(), { N: 3 });
  const intent = doc.context.obj({
    Type: 'OutputIntent',
    S: 'GTS_PDFA1',
    OutputConditionIdentifier: PDFString.of('sRGB IEC61966-2.1'),
    Info: PDFString.of('sRGB IEC61966-2.1'),
    RegistryName: PDFString.of('http://www.color.org'),
    DestOutputProfile: doc.context.register(profile),
  });
  doc.catalog.set(PDFName.of('OutputIntents'), doc.context.obj([doc.context.register(intent)]));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Words of one line share a baseline and a font size, so text extraction keeps them on one line. */
function lines(words: OcrWord[]): OcrWord[][] {
  const byLine = new Map<number, OcrWord[]>();
  for (const word of words) {
    const line = byLine.get(word.line);
    if (line) line.push(word);
    else byLine.set(word.line, [word]);
  }
  return [...byLine.keys()].sort((a, b) => a - b).map((k) => byLine.get(k)!);
}

/** Code points each embedded font can draw, worked out once per font rather than once per word. */
const characterSets = new WeakMap<PDFFont, Set<number>>();

/** Characters the font cannot draw would break encoding; they are dropped from the hidden layer only. */
function drawable(font: PDFFont, text: string): string {
  let supported = characterSets.get(font);
  if (!supported) characterSets.set(font, (supported = new Set(font.getCharacterSet())));
  return [...text].filter((c) => supported.has(c.codePointAt(0)!)).join('');
}

function textLayer(page: ProcessedPage, font: PDFFont, fontKey: PDFName): PDFOperator[] {
  const pt = 72 / page.dpi;
  const pageHeight = page.height * pt;
  const ops: PDFOperator[] = [beginText(), setTextRenderingMode(TextRenderingMode.Invisible)];
  for (const line of lines(page.words)) {
    const size = Math.max(1, median(line.map((w) => w.box.y1 - w.box.y0)) * pt);
    const baseline = pageHeight - median(line.map((w) => w.box.y1)) * pt;
    ops.push(setFontAndSize(fontKey, size));
    for (const word of line) {
      // A trailing space lets extractors see the word boundary; the box width is fitted without it.
      const text = drawable(font, word.text);
      if (!text) continue;
      const natural = font.widthOfTextAtSize(text, size);
      const boxWidth = (word.box.x1 - word.box.x0) * pt;
      const stretch = natural > 0 ? boxWidth / natural : 1;
      ops.push(setTextMatrix(stretch, 0, 0, 1, word.box.x0 * pt, baseline), showText(font.encodeText(`${text} `)));
    }
  }
  ops.push(endText());
  return ops;
}

export async function buildSearchablePdf(pages: ProcessedPage[], metadata: PdfMetadata = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(await textFont(), { subset: true });
  const language = metadata.language ?? 'vi';
  const now = new Date();
  if (metadata.title) doc.setTitle(metadata.title, { showInWindowTitleBar: true });
  if (metadata.author) doc.setAuthor(metadata.author);
  if (metadata.subject) doc.setSubject(metadata.subject);
  if (metadata.keywords?.length) doc.setKeywords(metadata.keywords);
  doc.setLanguage(language);
  doc.setCreator(metadata.creator ?? 'sohoa');
  doc.setProducer('sohoa (pdf-lib)');
  doc.setCreationDate(now);
  doc.setModificationDate(now);

  for (const processed of pages) {
    const width = (processed.width / processed.dpi) * 72;
    const height = (processed.height / processed.dpi) * 72;
    const page = doc.addPage([width, height]);
    const image = await doc.embedJpg(processed.image);
    page.drawImage(image, { x: 0, y: 0, width, height });
    if (processed.words.length) {
      const fontKey = page.node.newFontDictionary(font.name, font.ref);
      page.pushOperators(...textLayer(processed, font, fontKey));
    }
  }

  const xmp = doc.context.stream(xmpPacket({ ...metadata, language, creator: metadata.creator ?? 'sohoa' }, now), {
    Type: 'Metadata',
    Subtype: 'XML',
  });
  doc.catalog.set(PDFName.of('Metadata'), doc.context.register(xmp));
  await addOutputIntent(doc);
  // PDF/A wants a file identifier in the trailer; pdf-lib writes none unless asked.
  const id = PDFHexString.of(randomUUID().replace(/-/g, ''));
  doc.context.trailerInfo.ID = doc.context.obj([id, id]);
  return doc.save();
}
