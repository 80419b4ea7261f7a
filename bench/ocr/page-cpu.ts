/**
 * `npm run bench:page-cpu [-- --against ../other-checkout --rounds 3 --pages 36]`: CPU a page in the page thread's
 * work (services/ocr/src/threads/page-thread.ts), step by step, on the OCR bench's held-out corpus. With `--against`,
 * the same steps of another checkout of this repository (its own node_modules) run in the same process, page by page in
 * turn, so a shared machine's load falls on both alike; their recognition images (the PBM tesseract reads) and cleaned
 * pages are compared byte for byte. CPU is process.cpuUsage (libvips' threads included), not wall time.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { writeBenchCorpus } from '../../samples/src/bench-corpus.ts';
import { REPORT_SEED } from './seeds.ts';

const { values } = parseArgs({ options: { against: { type: 'string' }, rounds: { type: 'string', default: '3' }, pages: { type: 'string', default: '36' } } });

interface Side {
  name: string;
  cleanup: typeof import('../../services/ocr/src/page-cleanup.ts');
  raster: typeof import('../../services/ocr/src/cleanup/raster.ts');
  thread: typeof import('../../services/ocr/src/threads/page-thread.ts');
}

async function side(name: string, root: string): Promise<Side> {
  const at = (path: string) => import(pathToFileURL(join(root, path)).href);
  return {
    name,
    cleanup: await at('services/ocr/src/page-cleanup.ts'),
    raster: await at('services/ocr/src/cleanup/raster.ts'),
    thread: await at('services/ocr/src/threads/page-thread.ts'),
  };
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
async function timed<T>(work: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const start = process.cpuUsage();
  const value = await work();
  return { value, ms: cpuMs(start) };
}
const digest = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex').slice(0, 16);

/** The PBM tesseract first reads: the thread's own when it sends one, else the one the main thread used to make. */
function firstPbm(s: Side, archived: any): Uint8Array | null {
  if (!archived.binary) return null;
  if (archived.pbm) return archived.pbm;
  return s.raster.pbm(archived.binary);
}

async function main() {
  const dir = join(import.meta.dirname, '..', 'tmp', 'ocr', `corpus-${REPORT_SEED}-36`);
  if (!existsSync(join(dir, 'page-001.png'))) await writeBenchCorpus(dir, 36, REPORT_SEED);
  const names = (await readdir(dir)).filter((n) => /^page-\d+\.png$/.test(n)).sort().slice(0, Number(values.pages));
  const inputs = await Promise.all(names.map((n) => readFile(join(dir, n))));
  const sides = [await side('this', resolve(import.meta.dirname, '..', '..'))];
  if (values.against) sides.unshift(await side('against', resolve(values.against)));
  const steps = ['clean', 'recognition', 'pbm', 'task'] as const;
  const totals = new Map(sides.map((s) => [s.name, Object.fromEntries(steps.map((k) => [k, 0])) as Record<(typeof steps)[number], number>]));
  const hashes = new Map<string, string>();
  let differ = 0;
  const rounds = Number(values.rounds);
  for (let round = 0; round < rounds; round++) {
    for (const [p, input] of inputs.entries()) {
      // Alternate which side goes first, so neither always runs on a warmer cache.
      const order = (round + p) % 2 ? [...sides].reverse() : sides;
      for (const s of order) {
        const t = totals.get(s.name)!;
        const clean = await timed(() => s.cleanup.cleanPage(input));
        const recognition = await timed(() => clean.value.blank ? null : s.cleanup.recognitionRaster(clean.value.page, clean.value.dpi));
        const pbm = await timed(() => recognition.value && s.raster.pbm(recognition.value));
        const task = await timed(async () => {
          const archived: any = await s.thread.default({ kind: 'archive', input, options: {} });
          const value = archived[Symbol.for('Piscina.valueOf')] ?? archived;
          return { value, pbm: firstPbm(s, value) };
        });
        t.clean += clean.ms;
        t.recognition += recognition.ms;
        t.pbm += pbm.ms;
        t.task += task.ms;
        const page = clean.value.page;
        const key = `${digest(page.pixels)} ${clean.value.blank} ${clean.value.skew.degrees} ${recognition.value?.specks ?? '-'} ${pbm.value ? digest(pbm.value) : '-'} ${task.value.pbm ? digest(task.value.pbm) : '-'}`;
        const known = hashes.get(names[p]);
        if (known === undefined) hashes.set(names[p], key);
        else if (known !== key) {
          differ++;
          console.log(`${names[p]} differs: ${known} | ${s.name}: ${key}`);
        }
      }
    }
    console.log(`round ${round + 1} of ${rounds} done`);
  }
  const per = inputs.length * rounds;
  console.log(`\nCPU ms a page (${inputs.length} pages × ${rounds} rounds; process CPU, libvips threads included)`);
  console.log(`${'side'.padEnd(8)} ${steps.map((k) => k.padStart(12)).join(' ')}`);
  for (const s of sides) {
    const t = totals.get(s.name)!;
    console.log(`${s.name.padEnd(8)} ${steps.map((k) => (t[k] / per).toFixed(1).padStart(12)).join(' ')}`);
  }
  console.log(`pages whose results differ between sides or rounds: ${differ}`);
  process.exitCode = differ ? 1 : 0;
}

await main();
