import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBenchCorpus, type BenchCorpus } from '../../samples/src/bench-corpus.ts';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const WORK = join(ROOT, 'bench/tmp/ocr');

/** The corpus is generated from the seed on first use and kept in bench/tmp (same seed, same pages). */
export async function benchCorpus(pages: number, seed: number): Promise<BenchCorpus> {
  const dir = join(WORK, `corpus-${seed}-${pages}`);
  const index = join(dir, 'corpus.json');
  if (existsSync(index)) {
    console.log(`corpus: ${dir}`);
    return JSON.parse(await readFile(index, 'utf8')) as BenchCorpus;
  }
  console.log(`generating ${pages} pages (seed ${seed}) into ${dir}`);
  const set = await writeBenchCorpus(dir, pages, seed);
  await writeFile(index, JSON.stringify(set));
  return set;
}

/** Clockwise turn that puts a page scanned with `turned` upright again. */
export const uprightTurn = (turned: number): number => (360 - turned) % 360;
