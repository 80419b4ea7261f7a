/**
 * A record's PDF as the pipeline builds it (image over invisible text, services/ocr/src/pdf/searchable-pdf.ts), made
 * from lines of text without OCR: each page drawn with DejaVu Sans and kept as a JPEG, each word laid where it was
 * drawn (its width from the same font's metrics). For browser tests that show a record's PDF: fast, and the words
 * are known.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import sharp from 'sharp';
import { buildSearchablePdf, type OcrWord } from '@sohoa/ocr';
import { renderPage } from '@sohoa/ocr/testing';

const DPI = 100;
const FONT_PT = 12;
/** Where renderPage draws: the left margin and the first baseline (inches), lines 1.8 font sizes apart. */
const LEFT = Math.round(0.9 * DPI);
const TOP = DPI;

export async function textPdf(pages: string[][], title = 'sohoa test record'): Promise<Uint8Array> {
  const font = fontkit.create(await readFile(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')));
  const size = (FONT_PT / 72) * DPI;
  const widthOf = (text: string) => (font.layout(text).advanceWidth / font.unitsPerEm) * size;
  const built = await Promise.all(pages.map(async (lines) => {
    const png = await renderPage({ lines, dpi: DPI, fontPt: FONT_PT, font: 'DejaVu Sans' });
    const { width, height } = await sharp(png).metadata();
    const words: OcrWord[] = lines.flatMap((line, index) => {
      const baseline = Math.round(TOP + index * size * 1.8);
      return [...line.matchAll(/\S+/g)].map((m) => {
        const x0 = LEFT + widthOf(line.slice(0, m.index));
        return { text: m[0], confidence: 99, line: index, box: { x0, y0: baseline - size, x1: x0 + widthOf(m[0]), y1: baseline } };
      });
    });
    const image = await sharp(png).jpeg({ quality: 80 }).toBuffer();
    return { blank: false, image, width: width!, height: height!, dpi: DPI, rotation: 0 as const, skewDegrees: 0, text: lines.join('\n'), words, confidence: 99 };
  }));
  return buildSearchablePdf(built, { title });
}
