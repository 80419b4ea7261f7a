/**
 * The committed sample set in samples/scans: a handful of files other
 * services' tests read, each with its ground truth (.gt.txt) and facts (.json).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generatePage, multiPageText, pageSpec, type GeneratedPage, type PageSpec } from './generate.ts';
import { toImagePdf, toJpeg, toMultiPageTiff } from './formats.ts';

type Format = 'png' | 'jpeg' | 'tiff' | 'pdf';
const EXTENSION: Record<Format, string> = { png: 'png', jpeg: 'jpg', tiff: 'tif', pdf: 'pdf' };

/** One set of pages saved in one or more formats, sharing STEM.gt.txt and STEM.json. */
export interface SampleFile {
  stem: string;
  formats: Format[];
  pages: PageSpec[];
}

export const SAMPLE_FILES: SampleFile[] = [
  {
    stem: 'ks-tokhai-p1',
    formats: ['png'],
    pages: [pageSpec('KS-TK', { skew: 0.6, signature: true })],
  },
  {
    // One duplex pass over a birth-registration dossier, saved both ways the
    // counter's scanners save: a form, its blank back, then the birth
    // certificate fed sideways (landscape page among portrait ones).
    stem: 'dossier-ks',
    formats: ['tiff', 'pdf'],
    pages: [
      pageSpec('KS-TK', { skew: 3.5, seal: true, signature: true, paper: 'yellowed', yellowed: true, speckles: true }),
      pageSpec(null, { paper: 'yellowed' }),
      pageSpec('KS-GCS', { rotation: 90, skew: -1.5, seal: true, signature: true, lidBorder: true, speckles: true }),
    ],
  },
  {
    stem: 'skewed-seal',
    formats: ['jpeg'],
    pages: [pageSpec('CT-PYC', { skew: 7.5, seal: true, signature: true, paper: 'yellowed', yellowed: true, speckles: true, lidBorder: true })],
  },
];

export function fileName(file: SampleFile, format: Format): string {
  return `${file.stem}.${EXTENSION[format]}`;
}

async function encode(format: Format, pages: GeneratedPage[]): Promise<Buffer> {
  const dpi = pages[0].truth.dpi;
  const images = pages.map((p) => p.png);
  switch (format) {
    case 'png':
      return images[0];
    case 'jpeg':
      return toJpeg(images[0], dpi, 70);
    case 'tiff':
      return toMultiPageTiff(images, dpi, 55);
    case 'pdf':
      return toImagePdf(images, dpi, 55);
  }
}

export async function writeSampleSet(outDir: string, seed: number): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const [i, file] of SAMPLE_FILES.entries()) {
    const pages: GeneratedPage[] = [];
    for (const [p, spec] of file.pages.entries()) pages.push(await generatePage(spec, seed + i * 100 + p));
    for (const format of file.formats) {
      await writeFile(join(outDir, fileName(file, format)), await encode(format, pages));
      written.push(fileName(file, format));
    }
    await writeFile(join(outDir, `${file.stem}.gt.txt`), multiPageText(pages));
    const facts = pages.length === 1 ? pages[0].truth : { pages: pages.map((p) => p.truth) };
    await writeFile(join(outDir, `${file.stem}.json`), `${JSON.stringify(facts, null, 2)}\n`);
    written.push(`${file.stem}.gt.txt`, `${file.stem}.json`);
  }
  // samples/catalog.json is the repo's own catalog (the shared sample plus aliases and form numbers): not copied over.
  return written;
}
