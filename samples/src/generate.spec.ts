import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { PDFDict, PDFDocument, PDFName } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { generatePage, multiPageText, pageSpec, parseArgs } from './generate.ts';
import { toImagePdf, toMultiPageTiff } from './formats.ts';
import { joinTiffPages } from './tiff-pages.ts';
import { CATALOG_PATH, SCANS_DIR } from './index.ts';
import { MOTTO } from './documents.ts';

describe('generatePage', () => {
  it('is deterministic for a seed and varies with it', async () => {
    const spec = pageSpec('HKD-GDN', { skew: 4.2, seal: true, signature: true, speckles: true, yellowed: true });
    const a = await generatePage(spec, 42);
    const b = await generatePage(spec, 42);
    const c = await generatePage(spec, 43);
    expect(a.png.equals(b.png)).toBe(true);
    expect(a.text).toBe(b.text);
    expect(a.truth).toEqual(b.truth);
    expect(c.truth.fields.ownerIdentifier).not.toBe(a.truth.fields.ownerIdentifier);
  });

  it('writes ground truth in reading order, NFC, with the motto first and the title near the top', async () => {
    const page = await generatePage(pageSpec('KS-TK'), 7);
    const lines = page.text.trimEnd().split('\n');
    expect(lines[0]).toBe(MOTTO);
    expect(lines[1]).toBe('Độc lập - Tự do - Hạnh phúc');
    expect(lines[2]).toBe('TỜ KHAI ĐĂNG KÝ KHAI SINH');
    expect(page.text).toBe(page.text.normalize('NFC'));
    expect(page.truth.fields.applicantIdentifier).toMatch(/^\d{12}$/);
    expect(page.truth.fields.childBirthDate).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
    expect(page.text).toContain(page.truth.fields.applicantIdentifier);
    expect(page.truth).toMatchObject({ procedure: 'KS', component: 'KS-TK', blank: false, dpi: 200 });
  });

  it('swaps the dimensions of a page turned a quarter', async () => {
    const page = await generatePage(pageSpec('KS-GCS', { rotation: 90, seal: true }), 5);
    const meta = await sharp(page.png).metadata();
    expect([meta.width, meta.height]).toEqual([2339, 1654]);
    expect([page.truth.width, page.truth.height]).toEqual([2339, 1654]);
    expect(page.truth.degradations).toEqual(expect.arrayContaining(['seal', 'rotation']));
  });

  it('keeps the page size when skewing and records the angle', async () => {
    const page = await generatePage(pageSpec('CT-PYC', { skew: -8 }), 3);
    const meta = await sharp(page.png).metadata();
    expect([meta.width, meta.height, meta.density]).toEqual([1654, 2339, 200]);
    expect(page.truth.skew).toBe(-8);
  });

  it('makes a blank back side near-uniform with empty ground truth', async () => {
    const page = await generatePage(pageSpec(null, { paper: 'yellowed' }), 11);
    const stats = await sharp(page.png).stats();
    for (const channel of stats.channels.slice(0, 3)) expect(channel.stdev).toBeLessThan(4);
    expect(page.text).toBe('');
    expect(page.truth).toMatchObject({ blank: true, component: null });
  });

  it('separates pages of a multi-page file with form feeds', async () => {
    const pages = [await generatePage(pageSpec('KS-TK'), 1), await generatePage(pageSpec(null), 2)];
    const text = multiPageText(pages);
    expect(text.split('\f')).toHaveLength(2);
    expect(text.endsWith('\f')).toBe(true);
  });
});

describe('scanner formats', () => {
  const small = (w: number, h: number, colour: string): Promise<Buffer> =>
    sharp({ create: { width: w, height: h, channels: 3, background: colour } }).png().toBuffer();

  it('writes a multi-page TIFF with pages of different sizes', async () => {
    const tiff = await toMultiPageTiff([await small(300, 400, '#fff'), await small(400, 300, '#eee'), await small(300, 400, '#ddd')], 200);
    expect((await sharp(tiff).metadata()).pages).toBe(3);
    const second = await sharp(tiff, { page: 1 }).metadata();
    expect([second.width, second.height, second.density]).toEqual([400, 300, 200]);
    const third = await sharp(tiff, { page: 2 }).png().toBuffer();
    expect((await sharp(third).stats()).channels[0].mean).toBeCloseTo(0xdd, -1);
  });

  it('refuses to join what is not a TIFF', () => {
    expect(() => joinTiffPages([Buffer.from('not a tiff at all')])).toThrow(/not a classic TIFF/);
  });

  it('writes an image-only PDF: one JPEG per page, page size from the dpi', async () => {
    const pdf = await PDFDocument.load(await toImagePdf([await small(1654, 2339, '#fff'), await small(2339, 1654, '#fff')], 200));
    expect(pdf.getPageCount()).toBe(2);
    for (const page of pdf.getPages()) {
      const xobjects = page.node.Resources()?.lookup(PDFName.of('XObject'), PDFDict);
      expect(xobjects?.keys()).toHaveLength(1);
    }
    expect(pdf.getPage(0).getSize().width).toBeCloseTo(595.4, 0);
    expect(pdf.getPage(1).getSize().width).toBeCloseTo(842, 0);
  });
});

describe('committed sample set', () => {
  it('has a TIFF and a PDF whose page counts match the ground truth', async () => {
    const truth = JSON.parse(await readFile(join(SCANS_DIR, 'dossier-ks.json'), 'utf8')) as { pages: unknown[] };
    const text = await readFile(join(SCANS_DIR, 'dossier-ks.gt.txt'), 'utf8');
    expect((await sharp(join(SCANS_DIR, 'dossier-ks.tif')).metadata()).pages).toBe(truth.pages.length);
    expect((await PDFDocument.load(await readFile(join(SCANS_DIR, 'dossier-ks.pdf')))).getPageCount()).toBe(truth.pages.length);
    expect(text.split('\f')).toHaveLength(truth.pages.length);
  });

  it('carries the sample catalog', async () => {
    const catalog = JSON.parse(await readFile(CATALOG_PATH, 'utf8')) as { procedures: { code: string }[] };
    expect(catalog.procedures.map((p) => p.code)).toEqual(expect.arrayContaining(['KS', 'XD', 'HKD', 'CT']));
  });
});

describe('parseArgs', () => {
  it('reads --out, --pages and --seed and refuses the rest', () => {
    expect(parseArgs(['--out', 'x', '--pages', '3', '--seed', '9'])).toEqual({ out: 'x', pages: 3, seed: 9 });
    expect(() => parseArgs(['--pages', '0'])).toThrow(/positive/);
    expect(() => parseArgs(['--colour'])).toThrow(/unknown argument/);
  });
});
