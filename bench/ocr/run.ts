/**
 * `npm run bench:ocr`: sohoa's OCR stage against OCRmyPDF on the same degraded Vietnamese pages, in
 * one run on the same machine, written to bench/results/ocr.md. Not a test: nothing here passes or
 * fails, the numbers are reported as measured, with the targets beside them.
 *
 *   node --import tsx bench/ocr/run.ts [--tune] [--pages 36] [--seed S] [--soak 200]   (--soak 0 skips the soak)
 *
 * --tune first chooses the orientation threshold on the tuning seed (tune-orientation.ts); the report
 * runs on the held-out seed (seeds.ts) and quotes the stored tuning result.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { BENCH_PAGES } from '../../samples/src/bench-corpus.ts';
import { ACCEPT_READABILITY } from '../../services/ocr/src/cleanup/orientation.ts';
import { loadConfig } from '../../shared/src/config.ts';
import { benchCorpus, ROOT, uprightTurn, WORK } from './corpus.ts';
import { measure, type MeasuredRun } from './process-memory.ts';
import { renderReport, type PageRow } from './report.ts';
import type { SohoaRunResult } from './sohoa-run.ts';
import { characterErrors, detection, wordErrors } from './metrics.ts';
import { REPORT_SEED, TUNING_SEED } from './seeds.ts';
import { installPeer } from './peer.ts';
import { sidecarPages } from './sidecar.ts';
import { TUNING_FILE, tuneOrientation, type TuningResult } from './tune-orientation.ts';

/** The peer's fixed flags; `--jobs` is added from OCR_WORKERS, the same setting that sizes sohoa's pool. */
const PEER_FLAGS = ['-l', 'vie', '--rotate-pages', '--deskew', '--clean'];

function args(argv: string[]): { pages: number; seed: number; soak: number; tune: boolean } {
  const out = { pages: BENCH_PAGES, seed: REPORT_SEED, soak: 200, tune: false };
  const usage = 'usage: run.ts [--tune] [--pages N] [--seed S] [--soak N]';
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--tune') {
      out.tune = true;
      continue;
    }
    const key = argv[i].replace(/^--/, '') as 'pages' | 'seed' | 'soak';
    if (!['pages', 'seed', 'soak'].includes(key) || !Number.isFinite(Number(argv[i + 1]))) throw new Error(usage);
    out[key] = Number(argv[++i]);
  }
  return out;
}

/**
 * Which way OCRmyPDF turned each page. It turns the content itself (no /Rotate), so its log is the
 * record: "N page is facing ⇩, confidence 14.5 - will rotate ↻". The arrow is where the text's top
 * points; a page is turned only when the log says "will rotate".
 */
const FACING: Record<string, number> = { '⇧': 0, '⇨': 270, '⇩': 180, '⇦': 90 };
function peerTurns(log: string, count: number): number[] {
  const turns = new Array<number>(count).fill(0);
  for (const m of log.matchAll(/^\s*(\d+)\s+page is facing (\S+), confidence [\d.]+ - (.*)$/gmu)) {
    if (/will rotate/.test(m[3])) turns[Number(m[1]) - 1] = FACING[m[2]] ?? -1;
  }
  return turns;
}

function qpdfCheck(pdf: string): string {
  try {
    execFileSync('qpdf', ['--check', pdf], { stdio: 'pipe' });
    return 'clean';
  } catch (error) {
    const out = (error as { stdout?: Buffer }).stdout?.toString() ?? '';
    return `FAILED: ${out.split('\n').filter((l) => /error|warning/i.test(l)).slice(0, 3).join('; ')}`;
  }
}

function failIf(run: MeasuredRun, what: string): void {
  if (run.exitCode !== 0) throw new Error(`${what} exited ${run.exitCode}: ${run.stderr.slice(-2000)}`);
}

/** The stored tuning result; the report must not run on the seed the threshold was tuned on. */
async function tuningFor(reportSeed: number, tune: boolean, pages: number): Promise<TuningResult | undefined> {
  const tuning = tune ? await tuneOrientation(pages, TUNING_SEED) : existsSync(TUNING_FILE) ? (JSON.parse(await readFile(TUNING_FILE, 'utf8')) as TuningResult) : undefined;
  if (tuning?.seed === reportSeed) throw new Error(`seed ${reportSeed} is the orientation tuning seed: report on a held-out seed (default ${REPORT_SEED})`);
  if (tuning && tuning.threshold !== ACCEPT_READABILITY) {
    console.warn(`the orientation threshold was tuned to ${tuning.threshold}, the code's default is ${ACCEPT_READABILITY}: set ACCEPT_READABILITY in services/ocr/src/cleanup/orientation.ts`);
  }
  return tuning;
}

async function main(): Promise<void> {
  const options = args(process.argv.slice(2));
  installPeer();
  await mkdir(WORK, { recursive: true });
  const tuning = await tuningFor(options.seed, options.tune, options.pages);
  const set = await benchCorpus(options.pages, options.seed);
  const out = (name: string) => join(WORK, name);
  // One setting sizes both: sohoa-run reads OCR_WORKERS through the same config (it inherits this environment).
  const { workers } = loadConfig().ocr;
  const peerFlags = [...PEER_FLAGS, '--jobs', String(workers)];

  // The two engines run one after the other, never together.
  console.log(`OCRmyPDF on ${set.pages.length} pages (--jobs ${workers}) …`);
  const peerRun = await measure('ocrmypdf', [...peerFlags, '--sidecar', out('peer.txt'), set.pdf, out('peer.pdf')]);
  failIf(peerRun, 'ocrmypdf');
  const peerText = sidecarPages(await readFile(out('peer.txt'), 'utf8'), set.pages.length);
  const peerTurned = peerTurns(peerRun.stderr, set.pages.length);
  await writeFile(out('peer.log'), peerRun.stderr);

  console.log(`sohoa on ${set.pages.length} pages …`);
  const sohoaRun = await measure('node', ['--import', 'tsx', join(ROOT, 'bench/ocr/sohoa-run.ts'), set.pdf, out('sohoa.json'), out('sohoa.pdf')], { cwd: ROOT });
  failIf(sohoaRun, 'sohoa');
  const sohoa = JSON.parse(await readFile(out('sohoa.json'), 'utf8')) as SohoaRunResult;
  if (sohoa.workers !== workers) throw new Error(`sohoa ran ${sohoa.workers} workers, OCRmyPDF --jobs ${workers}: not like for like`);

  let soak: { pages: number; run: MeasuredRun; trail: number[] } | undefined;
  if (options.soak > 0) {
    const repeat = Math.ceil(options.soak / set.pages.length);
    console.log(`sohoa memory soak: ${repeat * set.pages.length} pages …`);
    const run = await measure('node', ['--import', 'tsx', join(ROOT, 'bench/ocr/sohoa-run.ts'), set.pdf, out('soak.json'), out('soak.pdf'), '--repeat', String(repeat)], { cwd: ROOT });
    failIf(run, 'sohoa soak');
    const result = JSON.parse(await readFile(out('soak.json'), 'utf8')) as SohoaRunResult;
    soak = { pages: repeat * set.pages.length, run, trail: result.rssTrail };
  }

  const rows: PageRow[] = set.pages.map((page, i) => {
    const mine = sohoa.pages[i];
    const theirs = peerText[i];
    const upright = uprightTurn(page.truth.rotation);
    return {
      name: page.name,
      dpi: page.truth.dpi,
      degradations: page.truth.degradations,
      turned: page.truth.rotation,
      skew: page.truth.skew,
      blank: page.truth.blank,
      sohoa: {
        cer: characterErrors(mine.text, page.text),
        wer: wordErrors(mine.text, page.text),
        uprightOk: mine.rotation === upright,
        blank: mine.blank,
        decidedBy: mine.decidedBy,
      },
      peer: {
        cer: characterErrors(theirs, page.text),
        wer: wordErrors(theirs, page.text),
        uprightOk: peerTurned[i] === upright,
        blank: theirs.trim() === '',
      },
    };
  });
  const blanks = rows.map((r) => r.blank);
  const report = renderReport({
    rows,
    machine: `${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    peerVersion: execFileSync('ocrmypdf', ['--version'], { encoding: 'utf8' }).trim(),
    tesseractVersion: execFileSync('tesseract', ['--version'], { encoding: 'utf8' }).split('\n')[0],
    peerCommand: `ocrmypdf ${peerFlags.join(' ')} --sidecar peer.txt corpus.pdf peer.pdf`,
    seed: options.seed,
    workers,
    tuning,
    acceptReadability: ACCEPT_READABILITY,
    sohoa: { run: sohoaRun, blank: detection(rows.map((r) => r.sohoa.blank), blanks), qpdf: qpdfCheck(out('sohoa.pdf')), pdfBytes: sohoa.pdfBytes },
    peer: { run: peerRun, qpdf: qpdfCheck(out('peer.pdf')) },
    soak,
  });
  await mkdir(join(ROOT, 'bench/results'), { recursive: true });
  await writeFile(join(ROOT, 'bench/results/ocr.md'), report);
  console.log(report.split('\n## Per page')[0]);
  console.log('written to bench/results/ocr.md');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
