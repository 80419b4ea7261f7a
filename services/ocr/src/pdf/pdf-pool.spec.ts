import { threadNiceness } from '@sohoa/shared';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProcessedPage } from '../ocr.service.ts';
import { createPdfPool } from './pdf-pool.ts';
import { buildSearchablePdf } from './searchable-pdf.ts';

async function page(text: string): Promise<ProcessedPage> {
  const image = await sharp({ create: { width: 827, height: 1169, channels: 3, background: '#ffffff' } }).jpeg().toBuffer();
  const words = text.split(' ').map((w, i) => ({ text: w, confidence: 90, box: { x0: 60 + i * 120, y0: 100, x1: 160 + i * 120, y1: 130 }, line: 0 }));
  return { blank: false, image, width: 827, height: 1169, dpi: 100, rotation: 0, skewDegrees: 0, text, words, confidence: 90 };
}

describe('searchable PDFs assembled in a thread', () => {
  const pdfs = createPdfPool(9);
  afterAll(() => pdfs.close());

  it('builds the PDF the event loop would, in a thread at the niceness asked', async () => {
    const pages = [await page('Ủy ban nhân dân'), await page('Giấy khai sinh')];
    const meta = { title: 'Tờ khai', language: 'vi' };
    const threaded = await PDFDocument.load(await pdfs.build(pages, meta));
    const inline = await PDFDocument.load(await buildSearchablePdf(pages, meta));
    expect(threaded.getPageCount()).toBe(2);
    expect(threaded.getPages().map((p) => p.getSize())).toEqual(inline.getPages().map((p) => p.getSize()));
    expect(threaded.getTitle()).toBe('Tờ khai');
    if (process.platform === 'linux') {
      expect(threadNiceness().find((t) => t.tid === process.pid)!.nice).toBeLessThan(9);
      expect(threadNiceness().filter((t) => t.nice === 9).length).toBeGreaterThanOrEqual(1);
    }
  });
});
