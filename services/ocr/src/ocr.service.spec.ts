import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOcrEngine, type OcrEngine } from './index.ts';
import { characterErrorRate, renderPage, rotatePage, SAMPLE_LINES } from './testing/render.ts';

const TRUTH = SAMPLE_LINES.join('\n');
/** Measured 0.0% on these clean renderings (2 cores, tesseract.js 7, vie+eng best_int); 2% leaves room. */
const CER_BOUND = 0.02;
/** Measured 1.5% with seal, signature and yellowed paper (the seal text crosses a line). */
const CER_BOUND_COLOUR = 0.04;

let engine: OcrEngine;
beforeAll(async () => {
  engine = await createOcrEngine({ workers: 2 });
});
afterAll(async () => {
  await engine?.close();
});

describe('OCR of a Vietnamese form', () => {
  it('reads a 200 dpi page with full diacritics', async () => {
    const started = Date.now();
    const page = await engine.processPage(await renderPage({ lines: SAMPLE_LINES, dpi: 200 }));
    const cer = characterErrorRate(page.text, TRUTH);
    console.info(`200 dpi serif: CER ${(cer * 100).toFixed(2)}%, confidence ${page.confidence.toFixed(1)}, ${Date.now() - started} ms`);
    expect(cer).toBeLessThan(CER_BOUND);
    expect(page.text).toBe(page.text.normalize('NFC'));
    expect(page.blank).toBe(false);
    expect(page.dpi).toBe(200);
    expect(page.confidence).toBeGreaterThan(80);
    // Words come in reading order, each line numbered, with boxes inside the image.
    expect(page.words.map((w) => w.text).slice(0, 4)).toEqual(['CỘNG', 'HÒA', 'XÃ', 'HỘI']);
    expect(page.words.find((w) => w.text === '079301012345')).toBeDefined();
    for (let i = 1; i < page.words.length; i++) expect(page.words[i].line).toBeGreaterThanOrEqual(page.words[i - 1].line);
    for (const w of page.words) {
      expect(w.box.x1).toBeLessThanOrEqual(page.width);
      expect(w.box.y1).toBeLessThanOrEqual(page.height);
    }
  });

  it('reads a 300 dpi sans-serif page', async () => {
    const started = Date.now();
    const page = await engine.processPage(await renderPage({ lines: SAMPLE_LINES, dpi: 300, font: 'DejaVu Sans', fontPt: 11 }));
    const cer = characterErrorRate(page.text, TRUTH);
    console.info(`300 dpi sans: CER ${(cer * 100).toFixed(2)}%, ${Date.now() - started} ms`);
    expect(cer).toBeLessThan(CER_BOUND);
    expect(page.dpi).toBe(300);
  });

  it('reads through a red seal, a blue signature and yellowed paper, and keeps the colour', async () => {
    const dpi = 200;
    const overlay = `
      <circle cx="1150" cy="560" r="190" fill="none" stroke="#d42020" stroke-width="14" opacity="0.85"/>
      <text x="1150" y="575" font-family="DejaVu Sans" font-size="60" fill="#d42020" text-anchor="middle" opacity="0.85">UBND PHƯỜNG</text>
      <path d="M 900 1900 C 1000 1750, 1100 2050, 1250 1880 S 1450 1950, 1500 1850" stroke="#1d3fb8" stroke-width="7" fill="none"/>`;
    const png = await renderPage({ lines: SAMPLE_LINES, dpi, paper: '#efe2b8', overlay });
    const page = await engine.processPage(png);
    const cer = characterErrorRate(page.text, TRUTH);
    console.info(`seal + signature + yellow paper: CER ${(cer * 100).toFixed(2)}%`);
    expect(cer).toBeLessThan(CER_BOUND_COLOUR);
    const { data, info } = await sharp(page.image).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(3);
    // The seal ring is still red in the archival image.
    const at = (x: number, y: number) => data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3);
    const ring = at(1150 + 190, 560);
    expect(ring[0] - ring[2]).toBeGreaterThan(80);
    // And the paper is still yellowish (archival image is not binarized).
    const paper = at(60, 60);
    expect(paper[0] - paper[2]).toBeGreaterThan(30);
  });
});

describe('a committed counter scan', () => {
  // samples/scans/skewed-seal.jpg: 7.5° skew, yellowed paper, uneven light, speckles, red seal, blue
  // signature, lid border, JPEG q70. Measured CER 2.45 % (before speckle removal and vie-only: ~5 %).
  it('reads samples/scans/skewed-seal.jpg with CER below 4 %', async () => {
    const scans = new URL('../../../samples/scans/', import.meta.url);
    const page = await engine.processPage(await readFile(new URL('skewed-seal.jpg', scans)));
    const truth = await readFile(new URL('skewed-seal.gt.txt', scans), 'utf8');
    const cer = characterErrorRate(page.text, truth);
    console.info(`skewed-seal.jpg: CER ${(cer * 100).toFixed(2)}%`);
    expect(cer).toBeLessThan(0.04);
    expect(Math.abs(page.skewDegrees - 7.5)).toBeLessThan(0.3);
    expect(page.rotation).toBe(0);
    expect(page.cleanup?.specksRemoved).toBeGreaterThan(0);
  });
});

describe('orientation', () => {
  const upright = renderPage({ lines: SAMPLE_LINES, dpi: 200 });
  // Each scanned turned clockwise by `turn` (and a little skew): the engine must turn it back.
  const cases: Array<{ turn: 0 | 90 | 180 | 270; skew: number }> = [
    { turn: 0, skew: 1.5 },
    { turn: 90, skew: 0 },
    { turn: 180, skew: -2 },
    { turn: 270, skew: 0.7 },
  ];
  for (const { turn, skew } of cases) {
    it(`puts a page turned ${turn}° upright`, async () => {
      const scanned = await rotatePage(await rotatePage(await upright, skew), turn);
      const page = await engine.processPage(scanned);
      expect(page.rotation).toBe((360 - turn) % 360);
      expect(Math.abs(page.skewDegrees - skew)).toBeLessThan(0.3);
      expect(page.height).toBeGreaterThan(page.width); // portrait again
      expect(characterErrorRate(page.text, TRUTH)).toBeLessThan(CER_BOUND);
    });
  }
});

describe('pages without text and bad input', () => {
  it('marks a blank back side blank and still returns its image', async () => {
    const page = await engine.processPage(await renderPage({ lines: [], paper: '#fbfaf5' }));
    expect(page.blank).toBe(true);
    expect(page.words).toEqual([]);
    expect(page.confidence).toBe(0);
    expect((await sharp(page.image).metadata()).format).toBe('jpeg');
  });

  it('rejects something that is not an image with a clear error, and keeps working', async () => {
    await expect(engine.processPage(Buffer.from('not an image'))).rejects.toThrow(/not a readable image/);
    const page = await engine.processPage(await renderPage({ lines: ['Độc lập - Tự do - Hạnh phúc'] }));
    expect(page.text).toContain('Hạnh phúc');
  });

  it('honours an abort signal while queued', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled by the clerk'));
    await expect(engine.processPage(await renderPage({ lines: ['x'] }), { signal: controller.signal })).rejects.toThrow(/cancelled/);
  });
});
