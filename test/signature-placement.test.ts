/**
 * Issue 8: the unit's visible signature was drawn over the national motto.
 * Every page of every sample scan is cleaned and built into a PDF the way
 * the pipeline does it (orientation from the ground truth instead of
 * tesseract, to stay fast), signed by the officer then the unit, and the
 * widget rectangles written into the signed file are checked against the
 * page image's ink at full resolution — ink computed here, independently of
 * the signer's code, by the same definition: a pixel darker in some channel
 * than INK_DARKNESS × that channel's 90th percentile, isolated dust specks
 * (smaller than MAX_SPECK_INCHES, nothing else within SPECK_ISOLATION_INCHES)
 * left out. Then one signed page is rendered by poppler (pdftoppm), which
 * sees the boxes where the file says and no ink under them in the unsigned render.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readScan } from '../services/ingest/src/scan-reader.ts';
import { archivalJpeg, cleanPage, rotateRaster } from '../services/ocr/src/page-cleanup.ts';
import { buildSearchablePdf } from '../services/ocr/src/pdf/searchable-pdf.ts';
import { INK_DARKNESS, MAX_SPECK_INCHES, MIN_SIGNATURE_SCALE, signPdf, SPECK_ISOLATION_INCHES, type SignaturePlacement } from '../services/signer/src/index.ts';
import { createCertificateAuthority } from '../services/signer/src/certificate-issuer.ts';
import type { SigningIdentity } from '../services/signer/src/pkcs12.ts';
import { issueTestIdentity } from '@sohoa/signer/testing';
import { repoRoot } from './helpers/stack.ts';

interface SamplePage {
  name: string;
  /** Ink of the archival image, full resolution, by this file's own reading of the definition. */
  ink: Ink;
  /** The archival JPEG, as the pipeline stores it. */
  jpeg: Buffer;
  dpi: number;
  unsigned: Uint8Array;
  signed: Uint8Array;
  placements: { officer: SignaturePlacement; unit: SignaturePlacement };
}

/** [left, top, right, bottom] in points from the page's top-left corner. */
type Rect = [number, number, number, number];

const scans = path.join(repoRoot, 'samples', 'scans');
/** dossier-ks.pdf is left out: it holds the same three pages as dossier-ks.tif (and gave the same boxes, measured). */
const SAMPLES = ['dossier-ks.tif', 'ks-tokhai-p1.png', 'skewed-seal.jpg'];
let officer: SigningIdentity;
let unit: SigningIdentity;
let work: string;
const pages: SamplePage[] = [];

async function groundTruthRotations(file: string): Promise<number[]> {
  const truth = JSON.parse(await fs.readFile(path.join(scans, file.replace(/\.\w+$/, '.json')), 'utf8'));
  return (truth.pages ?? [truth]).map((page: { rotation: number }) => page.rotation);
}

/** One sample page as the pipeline makes page 1 of a document: cleaned, turned upright, archival JPEG, searchable PDF. */
async function buildPage(image: Buffer, dpi: number | undefined, rotation: number): Promise<{ jpeg: Buffer; dpi: number; pdf: Uint8Array }> {
  const cleaned = await cleanPage(image, { dpi });
  const upright = await rotateRaster(cleaned.page, ((360 - rotation) % 360) as 0 | 90 | 180 | 270);
  const jpeg = await archivalJpeg(upright, cleaned.dpi);
  const pdf = await buildSearchablePdf([
    { blank: cleaned.blank, image: jpeg, width: upright.width, height: upright.height, dpi: cleaned.dpi, rotation: 0, skewDegrees: 0, text: '', words: [], confidence: 0 },
  ]);
  return { jpeg, dpi: cleaned.dpi, pdf };
}

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'sohoa-placement-'));
  const now = Date.now();
  const authority = createCertificateAuthority({ subject: { commonName: 'sohoa placement test CA', country: 'VN' }, notBefore: new Date(now - 3600_000), notAfter: new Date(now + 86_400_000) });
  officer = await issueTestIdentity(authority, 'Nguyễn Thị Thu Hà');
  unit = await issueTestIdentity(authority, 'Ủy ban nhân dân phường Ngô Quyền');
  for (const file of SAMPLES) {
    const rotations = await groundTruthRotations(file);
    for (const scanPage of await readScan(await fs.readFile(path.join(scans, file)))) {
      const { jpeg, dpi, pdf } = await buildPage(scanPage.image, scanPage.dpi, rotations[scanPage.index] ?? 0);
      const placements: Partial<SamplePage['placements']> = {};
      const byOfficer = await signPdf(pdf, officer, { appearance: { role: 'officer', name: 'Nguyễn Thị Thu Hà' }, onPlacement: (p) => (placements.officer = p) });
      const signed = await signPdf(byOfficer, unit, { appearance: { role: 'unit', name: 'Ủy ban nhân dân phường Ngô Quyền' }, onPlacement: (p) => (placements.unit = p) });
      const ink = await inkOf(jpeg, dpi);
      pages.push({ name: `${file} p${scanPage.index + 1}`, ink, jpeg, dpi, unsigned: pdf, signed, placements: placements as SamplePage['placements'] });
    }
  }
});

afterAll(async () => {
  if (work) await fs.rm(work, { recursive: true, force: true });
});

/** The signature widgets' rectangles as written in the signed file, top-down. */
async function signatureRects(pdf: Uint8Array): Promise<Rect[]> {
  const doc = await PDFDocument.load(pdf);
  const page = doc.getPage(0);
  const { height } = page.getSize();
  const rects: Rect[] = [];
  for (const ref of page.node.Annots()?.asArray() ?? []) {
    const widget = doc.context.lookup(ref, PDFDict);
    if (widget.get(PDFName.of('FT'))?.toString() !== '/Sig') continue;
    const [x0, y0, x1, y1] = widget.lookup(PDFName.of('Rect'), PDFArray).asArray().map((n) => (n as PDFNumber).asNumber());
    rects.push([x0!, height - y1!, x1!, height - y0!]);
  }
  return rects;
}

interface Ink {
  mask: Uint8Array;
  width: number;
  height: number;
}

/**
 * The ink of a page image by the stated definition, written here a second
 * time on purpose: union–find labelling, specks judged by their bounding box
 * and a search of the window around it.
 */
async function inkOf(image: Buffer, dpi: number): Promise<Ink> {
  const { data, info } = await sharp(image).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const { width, height, channels } = info;
  const count = width * height;
  const limits: number[] = [];
  for (let c = 0; c < channels; c++) {
    const histogram = new Float64Array(256);
    for (let i = c; i < data.length; i += channels) histogram[data[i]!]++;
    // The 90th percentile: the level at which 90% of the pixels are at or below.
    let level = 0;
    for (let seen = histogram[0]!; seen < 0.9 * count; seen += histogram[++level]!);
    limits.push(INK_DARKNESS * level);
  }
  const mask = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    for (let c = 0; c < channels; c++) if (data[i * channels + c]! < limits[c]!) mask[i] = 1;
  }

  const parent = new Int32Array(count).fill(-1);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!mask[i]) continue;
      parent[i] = i;
      for (const [dx, dy] of [[-1, 0], [-1, -1], [0, -1], [1, -1]] as const) {
        const nx = x + dx;
        const ny = y + dy;
        if (nx < 0 || nx >= width || ny < 0 || !mask[ny * width + nx]) continue;
        const a = find(i);
        const b = find(ny * width + nx);
        if (a !== b) parent[a] = b;
      }
    }
  }
  // Bounding boxes, kept at each mark's root pixel.
  const [bx0, by0, bx1, by1] = [new Int32Array(count), new Int32Array(count), new Int32Array(count), new Int32Array(count)];
  const roots: number[] = [];
  for (let i = 0; i < count; i++) {
    if (!mask[i]) continue;
    const root = find(i);
    const x = i % width;
    const y = (i - x) / width;
    if (bx1[root] === 0) {
      // First pixel of this mark (right edges are stored one past, so 0 means unseen).
      roots.push(root);
      [bx0[root], by0[root]] = [x, y];
    }
    bx0[root] = Math.min(bx0[root]!, x); by0[root] = Math.min(by0[root]!, y);
    bx1[root] = Math.max(bx1[root]!, x + 1); by1[root] = Math.max(by1[root]!, y + 1);
  }
  const maxSide = Math.max(1, Math.round(MAX_SPECK_INCHES * dpi));
  const reach = Math.max(2, Math.round(SPECK_ISOLATION_INCHES * dpi));
  const dust: number[] = [];
  for (const root of roots) {
    const [x0, y0, x1, y1] = [bx0[root]!, by0[root]!, bx1[root]! - 1, by1[root]! - 1];
    if (x1 - x0 >= maxSide || y1 - y0 >= maxSide) continue;
    let alone = true;
    for (let y = Math.max(0, y0 - reach); alone && y <= Math.min(height - 1, y1 + reach); y++) {
      for (let x = Math.max(0, x0 - reach); x <= Math.min(width - 1, x1 + reach); x++) {
        if (mask[y * width + x] && find(y * width + x) !== root) {
          alone = false;
          break;
        }
      }
    }
    if (alone) dust.push(root);
  }
  const dustRoots = new Set(dust);
  for (let i = 0; i < count; i++) if (mask[i] && dustRoots.has(find(i))) mask[i] = 0;
  return { mask, width, height };
}

/** Ink pixels whose footprint meets the rectangle (points, top-down) on a page of `pageWidth` points. */
function inkUnder(ink: Ink, rect: Rect, pageWidth: number): number {
  const perPoint = ink.width / pageWidth;
  const [x0, x1] = [Math.floor(rect[0] * perPoint), Math.ceil(rect[2] * perPoint)];
  const [y0, y1] = [Math.floor(rect[1] * perPoint), Math.ceil(rect[3] * perPoint)];
  let count = 0;
  for (let y = Math.max(0, y0); y < Math.min(ink.height, y1); y++) for (let x = Math.max(0, x0); x < Math.min(ink.width, x1); x++) count += ink.mask[y * ink.width + x]!;
  return count;
}

const overlap = (a: Rect, b: Rect) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];

describe('visible signatures on the sample scans', () => {
  it('cover no ink pixel and not each other on any sample page', async () => {
    expect(pages).toHaveLength(5);
    const table: string[] = [];
    for (const page of pages) {
      const rects = await signatureRects(page.signed);
      expect(rects, page.name).toHaveLength(2);
      const { width } = (await PDFDocument.load(page.unsigned)).getPage(0).getSize();
      for (const rect of rects) expect(inkUnder(page.ink, rect, width), `${page.name} ${rect.map(Math.round).join(',')}`).toBe(0);
      expect(overlap(rects[0]!, rects[1]!), page.name).toBe(false);
      for (const placement of Object.values(page.placements)) {
        expect(placement.inkFrom).toBe('page-image');
        expect(placement.scale).toBeGreaterThanOrEqual(MIN_SIGNATURE_SCALE);
        expect(placement.fit).not.toBe('over-ink');
      }
      const { officer, unit } = page.placements;
      table.push(`${page.name}: officer ${officer.fit} ${officer.scale} at ${Math.round(officer.box.top)} pt; unit ${unit.fit} ${unit.scale} at ${Math.round(unit.box.top)} pt`);
    }
    console.log(table.join('\n'));
  });

  it('finds ink where the fixed top-right box used to be, on the A4 forms (the defect this fixes)', async () => {
    let covered = 0;
    for (const page of pages) {
      const { width } = (await PDFDocument.load(page.unsigned)).getPage(0).getSize();
      const old: Rect = [width - 14 - 220, 14, width - 14, 14 + 66];
      if (inkUnder(page.ink, old, width) > 0) covered++;
    }
    expect(covered).toBeGreaterThan(0);
  });

  it('poppler draws the boxes where the file says, over paper that had no ink', async () => {
    const page = pages.find((p) => p.name === 'dossier-ks.tif p1')!;
    const dpi = 100;
    const render = async (pdf: Uint8Array, name: string) => {
      const file = path.join(work, `${name}.pdf`);
      await fs.writeFile(file, pdf);
      execFileSync('pdftoppm', ['-r', String(dpi), '-f', '1', '-l', '1', '-singlefile', '-png', file, path.join(work, name)]);
      return path.join(work, `${name}.png`);
    };
    const before = await inkOf(await fs.readFile(await render(page.unsigned, 'unsigned')), dpi);
    const after = await sharp(await render(page.signed, 'signed')).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    const original = await sharp(path.join(work, 'unsigned.png')).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    const { width } = (await PDFDocument.load(page.unsigned)).getPage(0).getSize();
    const perPoint = dpi / 72;
    for (const rect of await signatureRects(page.signed)) {
      expect(inkUnder(before, rect, width)).toBe(0);
      // The appearance is drawn inside its rectangle: pixels there changed; a band just outside it did not.
      const changedIn = (r: Rect) => {
        let changed = 0;
        for (let y = Math.ceil(r[1] * perPoint); y < Math.floor(r[3] * perPoint); y++) {
          for (let x = Math.ceil(r[0] * perPoint); x < Math.floor(r[2] * perPoint); x++) {
            const i = (y * after.info.width + x) * 3;
            if (Math.abs(after.data[i]! - original.data[i]!) + Math.abs(after.data[i + 1]! - original.data[i + 1]!) + Math.abs(after.data[i + 2]! - original.data[i + 2]!) > 60) changed++;
          }
        }
        return changed;
      };
      expect(changedIn(rect)).toBeGreaterThan(100);
      expect(changedIn([rect[0] - 8, rect[3] + 1, rect[2] + 8, rect[3] + 8])).toBe(0);
    }
  });
});
