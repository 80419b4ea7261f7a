/**
 * The OCR benchmark corpus: a fixed schedule of degraded counter pages drawn from one seed, so that
 * every degradation the counter meets is present a known number of times (quarter turns, blank
 * back sides, seals, lid borders, JPEG artifacts, skews up to ±10°, 200–400 dpi) and two runs on
 * the same seed compare the same pixels. Each page is written with its ground truth beside it, and
 * the lot as one image PDF, the way a counter scanner hands a dossier over.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { COMPONENTS } from './documents.ts';
import { toImagePdf } from './formats.ts';
import { generatePage, multiPageText, type GeneratedPage, type PageSpec } from './generate.ts';
import { createRng } from './prng.ts';

export const BENCH_SEED = 20251122;
export const BENCH_PAGES = 36;

/** Quarter turns in the schedule: every 4th page is fed sideways or upside down, in turn. */
const TURNS = [90, 180, 270] as const;

/** Page `index` (0-based) of the benchmark corpus. */
export function benchPageSpec(index: number, seed = BENCH_SEED): PageSpec {
  const rng = createRng(seed).fork(`bench-page-${index}`);
  // Every 7th page is a duplex back side; a quarter of the others is turned.
  const blank = index % 7 === 6;
  const turned = !blank && index % 4 === 1;
  const dpi = index % 9 === 4 ? 400 : index % 3 === 2 ? 300 : 200;
  return {
    component: blank ? null : COMPONENTS[index % COMPONENTS.length],
    dpi,
    paper: rng.chance(0.4) ? 'yellowed' : 'white',
    rotation: turned ? TURNS[Math.floor(index / 4) % TURNS.length] : 0,
    skew: index % 5 === 0 ? 0 : Math.round(rng.range(-10, 10) * 10) / 10,
    seal: !blank && rng.chance(0.65),
    signature: !blank && rng.chance(0.8),
    yellowed: rng.chance(0.4),
    speckles: rng.chance(0.65),
    lidBorder: rng.chance(0.45),
    jpegQuality: rng.chance(0.3) ? rng.int(25, 45) : undefined,
  };
}

export interface BenchCorpus {
  dir: string;
  /** One image PDF of every page, each at its own resolution. */
  pdf: string;
  pages: Array<{ name: string; png: string; text: string; truth: GeneratedPage['truth'] }>;
}

/** Generate the corpus into `dir` (PNG + .gt.txt + .json per page, corpus.pdf, corpus.gt.txt). */
export async function writeBenchCorpus(dir: string, count = BENCH_PAGES, seed = BENCH_SEED): Promise<BenchCorpus> {
  await mkdir(dir, { recursive: true });
  const generated: GeneratedPage[] = [];
  const pages: BenchCorpus['pages'] = [];
  for (let i = 0; i < count; i++) {
    const page = await generatePage(benchPageSpec(i, seed), seed + i);
    const name = `page-${String(i + 1).padStart(3, '0')}`;
    const png = join(dir, `${name}.png`);
    await writeFile(png, page.png);
    await writeFile(join(dir, `${name}.gt.txt`), page.text);
    await writeFile(join(dir, `${name}.json`), `${JSON.stringify(page.truth, null, 2)}\n`);
    generated.push(page);
    pages.push({ name, png, text: page.text, truth: page.truth });
  }
  const pdf = join(dir, 'corpus.pdf');
  // Scanner-grade JPEG inside the PDF, as the counter's devices write it; both engines read these bytes.
  await writeFile(pdf, await toImagePdf(generated.map((p) => p.png), generated.map((p) => p.truth.dpi), 75));
  await writeFile(join(dir, 'corpus.gt.txt'), multiPageText(generated));
  return { dir, pdf, pages };
}
