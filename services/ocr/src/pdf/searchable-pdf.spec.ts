import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSearchablePdf, createOcrEngine, type OcrEngine, type ProcessedPage } from '../index.ts';
import { normalizeText, renderPage, rotatePage, SAMPLE_LINES } from '../testing/render.ts';

let engine: OcrEngine;
let pages: ProcessedPage[];
let dir: string;
let file: string;

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });

beforeAll(async () => {
  engine = await createOcrEngine({ workers: 2 });
  const second = ['BIÊN NHẬN HỒ SƠ', 'Mã hồ sơ: 000.00.12.H29-241115-0007', 'Ngày hẹn trả kết quả: 22/11/2024'];
  pages = await Promise.all([
    engine.processPage(await renderPage({ lines: SAMPLE_LINES, dpi: 200 })),
    engine.processPage(await rotatePage(await renderPage({ lines: second, dpi: 300 }), 180)),
  ]);
  dir = mkdtempSync(path.join(os.tmpdir(), 'sohoa-ocr-pdf-'));
  file = path.join(dir, 'out.pdf');
  const bytes = await buildSearchablePdf(pages, {
    title: 'Tờ khai đăng ký khai sinh',
    author: 'Nguyễn Văn An',
    subject: 'Hồ sơ 000.00.12.H29-241115-0007',
    keywords: ['khai sinh', 'hộ tịch'],
    creator: 'sohoa test',
  });
  writeFileSync(file, bytes);
});

afterAll(async () => {
  await engine?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('searchable PDF', () => {
  it('passes qpdf --check', () => {
    const out = run('qpdf', ['--check', file]);
    expect(out).toMatch(/No syntax or stream encoding errors found/);
  });

  it('carries the PDF/A-2b identification, an sRGB output intent and a file identifier', () => {
    const meta = run('pdfinfo', ['-meta', file]);
    expect(meta).toMatch(/<pdfaid:part>2<\/pdfaid:part>/);
    expect(meta).toMatch(/<pdfaid:conformance>B<\/pdfaid:conformance>/);
    const qdf = execFileSync('qpdf', ['--qdf', '--object-streams=disable', file, '-']).toString('latin1');
    expect(qdf).toMatch(/\/OutputIntents/);
    expect(qdf).toMatch(/\/S \/GTS_PDFA1/);
    expect(qdf).toMatch(/\/DestOutputProfile/);
    expect(qdf).toMatch(/\/ID \[/);
  });

  it('has one page per image, sized from pixels and dpi', () => {
    const info = run('pdfinfo', ['-f', '1', '-l', '2', file]);
    expect(info).toMatch(/Pages:\s+2/);
    const sizes = [...info.matchAll(/Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(sizes).toHaveLength(2);
    for (const [i, [w, h]] of sizes.entries()) {
      expect(w).toBeCloseTo((pages[i].width / pages[i].dpi) * 72, 0);
      expect(h).toBeCloseTo((pages[i].height / pages[i].dpi) * 72, 0);
    }
    expect(info).toMatch(/Title:\s+Tờ khai đăng ký khai sinh/);
    expect(info).toMatch(/Author:\s+Nguyễn Văn An/);
    expect(info).toMatch(/Keywords:\s+khai sinh hộ tịch/);
    expect(info).toMatch(/Creator:\s+sohoa test/);
  });

  it('gives back the words in reading order through pdftotext', () => {
    const text = normalizeText(run('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-']));
    let from = 0;
    for (const line of [...SAMPLE_LINES, 'BIÊN NHẬN HỒ SƠ', 'Ngày hẹn trả kết quả: 22/11/2024']) {
      const at = text.indexOf(normalizeText(line), from);
      expect(at, `"${line}" after position ${from} in:\n${text}`).toBeGreaterThanOrEqual(0);
      from = at + normalizeText(line).length;
    }
  });

  it('embeds a subset TrueType font for the text layer', () => {
    const fonts = run('pdffonts', [file]).split('\n').slice(2).filter(Boolean);
    expect(fonts.length).toBeGreaterThan(0);
    for (const row of fonts) {
      expect(row).toMatch(/DejaVuSans/);
      // embedded, ToUnicode map present. (pdf-lib subsets the glyphs but names the font without the
      // "ABCDEF+" tag, so pdffonts' "sub" column says no.)
      expect(row).toMatch(/CID TrueType\s+Identity-H\s+yes\s+(yes|no)\s+yes/);
    }
  });

  it('places a word where it is in the image', () => {
    const bbox = run('pdftotext', ['-bbox', '-f', '1', '-l', '1', file, '-']);
    const match = bbox.match(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">079301012345<\/word>/);
    expect(match).not.toBeNull();
    const word = pages[0].words.find((w) => w.text === '079301012345')!;
    const pt = 72 / pages[0].dpi;
    expect(Number(match![1])).toBeCloseTo(word.box.x0 * pt, -1);
    expect(Number(match![3])).toBeCloseTo(word.box.x1 * pt, -1);
    expect(Number(match![4])).toBeGreaterThan(word.box.y0 * pt);
    expect(Number(match![2])).toBeLessThan(word.box.y1 * pt);
  });
});
