/**
 * The orientation threshold's tuning step: read every page of the tuning seed's corpus both ways up
 * (sohoa-run with a threshold above any readability), replay the service's decision at every
 * threshold 0..101 and choose one (orientation-tuning.ts). Written to bench/results/orientation-tuning.json,
 * which the report quotes; the report itself runs on another seed (seeds.ts).
 *
 *   node --import tsx bench/ocr/tune-orientation.ts [--pages 36] [--seed S]   (or npm run bench:ocr -- --tune)
 */
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BENCH_PAGES } from '../../samples/src/bench-corpus.ts';
import { ACCEPT_READABILITY, type Rotation } from '../../services/ocr/src/cleanup/orientation.ts';
import { benchCorpus, ROOT, uprightTurn, WORK } from './corpus.ts';
import { chooseThreshold, replayThresholds, type RecordedPage, type TunedThreshold } from './orientation-tuning.ts';
import { TUNING_SEED } from './seeds.ts';
import type { SohoaRunResult } from './sohoa-run.ts';

export const TUNING_FILE = join(ROOT, 'bench/results/orientation-tuning.json');

export interface TuningResult extends TunedThreshold {
  seed: number;
  pages: number;
  printedPages: number;
  /** The default in the code when the tuning ran. */
  codeDefault: number;
  /** Readability of the printed pages read the right way up, and the wrong way (lowest, highest). */
  rightWay: [number, number];
  wrongWay: [number, number];
}

export async function tuneOrientation(pages: number, seed: number): Promise<TuningResult> {
  await mkdir(WORK, { recursive: true });
  const set = await benchCorpus(pages, seed);
  const json = join(WORK, `tune-${seed}.json`);
  console.log(`orientation tuning: reading ${set.pages.length} pages (seed ${seed}) both ways up …`);
  const run = spawnSync('node', ['--import', 'tsx', join(ROOT, 'bench/ocr/sohoa-run.ts'), set.pdf, json, join(WORK, `tune-${seed}.pdf`), '--accept-readability', '101'], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (run.status !== 0) throw new Error(`sohoa-run for the tuning exited ${run.status}`);
  const sohoa = JSON.parse(await readFile(json, 'utf8')) as SohoaRunResult;
  const recorded: RecordedPage[] = set.pages
    .map((page, i) => ({ page, mine: sohoa.pages[i] }))
    .filter(({ page, mine }) => !page.truth.blank && !mine.blank)
    .map(({ page, mine }) => ({ name: page.name, upright: uprightTurn(page.truth.rotation), readability: mine.readability, osd: mine.osd }));
  const outcomes = await replayThresholds(recorded, Array.from({ length: 102 }, (_, t) => t));
  const tuned = chooseThreshold(outcomes);
  const right = recorded.map((p) => p.readability[p.upright as Rotation]).filter((v): v is number => v !== undefined);
  const wrong = recorded.flatMap((p) => Object.entries(p.readability).filter(([r]) => Number(r) !== p.upright).map(([, v]) => v as number));
  const span = (xs: number[]): [number, number] => [Math.min(...xs), Math.max(...xs)].map((v) => Math.round(v * 10) / 10) as [number, number];
  const result: TuningResult = {
    seed,
    pages: set.pages.length,
    printedPages: recorded.length,
    ...tuned,
    codeDefault: ACCEPT_READABILITY,
    rightWay: span(right),
    wrongWay: span(wrong),
  };
  await writeFile(TUNING_FILE, `${JSON.stringify(result, null, 2)}\n`);
  console.log(
    `tuned threshold ${result.threshold} (as good: ${result.range.join('–')}); ${result.right}/${result.printedPages} pages right, ${result.secondReadings} read twice; right way ${result.rightWay.join('–')}, wrong way ${result.wrongWay.join('–')}`,
  );
  if (result.threshold !== ACCEPT_READABILITY) console.log(`the code's default is ${ACCEPT_READABILITY}: set ACCEPT_READABILITY in services/ocr/src/cleanup/orientation.ts to ${result.threshold}`);
  return result;
}

function args(argv: string[]): { pages: number; seed: number } {
  const out = { pages: BENCH_PAGES, seed: TUNING_SEED };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '') as keyof typeof out;
    if (!(key in out) || !Number.isFinite(Number(argv[i + 1]))) throw new Error('usage: tune-orientation.ts [--pages N] [--seed S]');
    out[key] = Number(argv[i + 1]);
  }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { pages, seed } = args(process.argv.slice(2));
  tuneOrientation(pages, seed).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
