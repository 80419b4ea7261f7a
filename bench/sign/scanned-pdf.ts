/**
 * Documents the size of what the pipeline signs: image-only PDFs of grey A4 pages scanned at 200 dpi,
 * one JPEG per page. The pages are paper-coloured noise with dark text-like bars, because scanner noise
 * is what keeps real scans from compressing to nothing (a flat page would make a tiny, unrealistic file).
 * A seeded generator keeps the documents the same from run to run.
 */
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';

const A4_POINTS = { width: 595.28, height: 841.89 } as const;
const DPI = 200;
const WIDTH = Math.round((A4_POINTS.width / 72) * DPI); // 1654 px
const HEIGHT = Math.round((A4_POINTS.height / 72) * DPI); // 2339 px

/** mulberry32: small, fast and seedable; statistical quality does not matter for paper noise. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One grey page: off-white paper with grain, and lines of "words" (dark bars) down a text block. */
async function scannedPage(seed: number): Promise<Uint8Array> {
  const random = seededRandom(seed);
  const pixels = new Uint8Array(WIDTH * HEIGHT);
  for (let index = 0; index < pixels.length; index += 1) {
    // Sum of two uniforms: a cheap bell curve around 226 with a spread of about ±10.
    pixels[index] = 216 + Math.floor((random() + random()) * 10);
  }
  const margin = 190;
  for (let y = 260; y < HEIGHT - 260; y += 62) {
    let x = margin;
    const lineEnd = WIDTH - margin - Math.floor(random() * 400);
    while (x < lineEnd) {
      const word = 40 + Math.floor(random() * 160);
      for (let row = y; row < y + 30; row += 1) {
        for (let column = x; column < Math.min(x + word, lineEnd); column += 1) {
          pixels[row * WIDTH + column] = 30 + Math.floor(random() * 60);
        }
      }
      x += word + 22;
    }
  }
  return sharp(pixels, { raw: { width: WIDTH, height: HEIGHT, channels: 1 } }).toColourspace('b-w').jpeg({ quality: 80 }).toBuffer();
}

/** An image-only PDF of `pages` different scanned pages, each drawn at A4 size. */
export async function scannedPdf(pages: number, seed = 20261122): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (let index = 0; index < pages; index += 1) {
    const image = await doc.embedJpg(await scannedPage(seed + index));
    doc.addPage([A4_POINTS.width, A4_POINTS.height]).drawImage(image, { x: 0, y: 0, ...A4_POINTS });
  }
  return doc.save();
}
