/**
 * Sample counter scans with ground truth.
 *
 *   node --import tsx samples/src/generate.ts                  # the committed set into samples/scans
 *   node --import tsx samples/src/generate.ts --out DIR --pages N --seed S   # N random pages
 *
 * Importable: generatePage() renders one degraded page from a spec and a seed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMPONENTS, documentFor, type SampleComponent } from './documents.ts';
import { applyLook, blankBackSide, seal, signature, type QuarterTurn } from './degrade.ts';
import { toImagePdf, toMultiPageTiff } from './formats.ts';
import { createRng, type Rng } from './prng.ts';
import { a4Geometry, renderPage, type Paper } from './render.ts';

export interface PageSpec {
  /** The catalog component printed on the page; null for a blank back side. */
  component: SampleComponent | null;
  dpi: number;
  paper: Paper;
  rotation: QuarterTurn;
  /** Degrees, positive = clockwise; ±10 at most on a real feeder. */
  skew: number;
  seal: boolean;
  signature: boolean;
  yellowed: boolean;
  speckles: boolean;
  lidBorder: boolean;
  /** Re-encode through JPEG at this quality; undefined = no artifacts. */
  jpegQuality?: number;
}

/** What a test can rely on about a generated page (the NAME.json file). */
export interface PageTruth {
  dpi: number;
  /** Clockwise quarter turn applied; undo it by turning back. */
  rotation: QuarterTurn;
  /** Skew applied in degrees, positive = clockwise. */
  skew: number;
  degradations: string[];
  blank: boolean;
  procedure: string | null;
  component: string | null;
  title: string | null;
  fields: Record<string, string>;
  /** Text around the seal; not part of the ground-truth text. */
  sealText: string | null;
  width: number;
  height: number;
}

export interface GeneratedPage {
  /** Lossless page image. */
  png: Buffer;
  /** Ground truth: one line per rendered line, NFC, '\n'-terminated; '' for a blank page. */
  text: string;
  truth: PageTruth;
}

export const CLEAN: Omit<PageSpec, 'component'> = {
  dpi: 200, paper: 'white', rotation: 0, skew: 0, seal: false, signature: false, yellowed: false, speckles: false, lidBorder: false,
};

export function pageSpec(component: SampleComponent | null, changes: Partial<PageSpec> = {}): PageSpec {
  return { ...CLEAN, component, ...changes };
}

/** A page as it might come off a counter's scanner, drawn from the seed. */
export function randomPageSpec(rng: Rng): PageSpec {
  const blank = rng.chance(0.15);
  return {
    component: blank ? null : rng.pick(COMPONENTS),
    dpi: rng.pick([200, 200, 300]),
    paper: rng.chance(0.3) ? 'yellowed' : 'white',
    rotation: rng.chance(0.2) ? rng.pick([90, 180, 270] as const) : 0,
    skew: rng.chance(0.6) ? Math.round(rng.range(-10, 10) * 10) / 10 : 0,
    seal: !blank && rng.chance(0.6),
    signature: !blank && rng.chance(0.8),
    yellowed: rng.chance(0.3),
    speckles: rng.chance(0.6),
    lidBorder: rng.chance(0.4),
    jpegQuality: rng.chance(0.3) ? rng.int(15, 45) : undefined,
  };
}

export async function generatePage(spec: PageSpec, seed: number): Promise<GeneratedPage> {
  const rng = createRng(seed);
  const seedFor = (label: string): number => Math.floor(rng.fork(label).next() * 2 ** 31);
  const degradations: string[] = [];
  const doc = spec.component ? documentFor(spec.component, rng.fork('document')) : null;
  let png: Buffer;
  let lines: string[] = [];
  if (doc) {
    const page = await renderPage(doc, { dpi: spec.dpi, paper: spec.paper });
    png = page.png;
    lines = page.lines;
    const { x, y } = page.signatureAnchor;
    const unit = spec.dpi / 25.4; // px per mm
    if (spec.signature) {
      png = await signature(png, { x, y: y + 14 * unit, width: 40 * unit, seed: seedFor('signature') });
      degradations.push('signature');
    }
    if (spec.seal) {
      // Seals are stamped over the left part of the signature, across printed text.
      png = await seal(png, { x: x - 22 * unit, y: y + 8 * unit, radius: 18 * unit, text: doc.sealText, seed: seedFor('seal') });
      degradations.push('seal');
    }
  } else {
    png = await blankBackSide(a4Geometry(spec.dpi), spec.paper, seedFor('blank'));
    degradations.push('blank-noise');
  }
  png = await applyLook(png, spec, seedFor, degradations);
  return {
    png,
    text: lines.length ? `${lines.join('\n')}\n` : '',
    truth: pageTruth(spec, a4Geometry(spec.dpi), doc, degradations, spec.seal),
  };
}

/** What a generated page is, as the benchmarks and tests compare against it. */
export function pageTruth(
  look: Omit<PageSpec, 'component'>,
  geometry: { width: number; height: number },
  doc: { procedure: string; component: string; title: string; fields: Record<string, string>; sealText: string } | null,
  degradations: string[],
  sealed: boolean,
): PageTruth {
  const turned = look.rotation === 90 || look.rotation === 270;
  return {
    dpi: look.dpi,
    rotation: look.rotation,
    skew: look.skew,
    degradations,
    blank: doc === null,
    procedure: doc?.procedure ?? null,
    component: doc?.component ?? null,
    title: doc?.title ?? null,
    fields: doc?.fields ?? {},
    sealText: sealed && doc ? doc.sealText : null,
    width: turned ? geometry.height : geometry.width,
    height: turned ? geometry.width : geometry.height,
  };
}

/** Ground truth of a multi-page file: pages separated by form feed, blank pages empty. */
export function multiPageText(pages: GeneratedPage[]): string {
  return pages.map((p) => p.text).join('\f');
}

/** N random pages, each as PNG + .gt.txt + .json, and the lot as one TIFF and one PDF. */
export async function writeRandomPages(outDir: string, count: number, seed: number): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const rng = createRng(seed);
  const pages: GeneratedPage[] = [];
  const written: string[] = [];
  for (let i = 1; i <= count; i++) {
    const spec = randomPageSpec(rng.fork(`spec-${i}`));
    const page = await generatePage(spec, Math.floor(rng.fork(`seed-${i}`).next() * 2 ** 31));
    const name = `page-${String(i).padStart(3, '0')}`;
    await writeFile(join(outDir, `${name}.png`), page.png);
    await writeFile(join(outDir, `${name}.gt.txt`), page.text);
    await writeFile(join(outDir, `${name}.json`), `${JSON.stringify(page.truth, null, 2)}\n`);
    written.push(`${name}.png`);
    pages.push(page);
  }
  // A multi-page file has one dpi; the first page's is used for its resolution tags.
  const dpi = pages[0]?.truth.dpi ?? 200;
  await writeFile(join(outDir, 'dossier.tif'), await toMultiPageTiff(pages.map((p) => p.png), dpi));
  await writeFile(join(outDir, 'dossier.pdf'), await toImagePdf(pages.map((p) => p.png), dpi));
  await writeFile(join(outDir, 'dossier.gt.txt'), multiPageText(pages));
  await writeFile(join(outDir, 'dossier.json'), `${JSON.stringify({ pages: pages.map((p) => p.truth) }, null, 2)}\n`);
  return [...written, 'dossier.tif', 'dossier.pdf'];
}

interface CliArgs {
  out?: string;
  pages?: number;
  seed: number;
}

export function parseArgs(argv: string[]): CliArgs {
  const args: CliArgs = { seed: 20251121 };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    if (argv[i] === '--out' && value) (args.out = value), i++;
    else if (argv[i] === '--pages' && value) (args.pages = Number(value)), i++;
    else if (argv[i] === '--seed' && value) (args.seed = Number(value)), i++;
    else throw new Error(`unknown argument ${argv[i]}; use --out DIR --pages N --seed S`);
  }
  if (args.pages !== undefined && !(Number.isInteger(args.pages) && args.pages > 0)) throw new Error('--pages must be a positive integer');
  if (!Number.isFinite(args.seed)) throw new Error('--seed must be a number');
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const { writeSampleSet } = await import('./sample-set.ts');
  const files =
    args.pages === undefined
      ? await writeSampleSet(resolve(args.out ?? fileURLToPath(new URL('../scans', import.meta.url))), args.seed)
      : await writeRandomPages(resolve(args.out ?? 'samples/out'), args.pages, args.seed);
  for (const file of files) console.log(file);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
