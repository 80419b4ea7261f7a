/**
 * `npm run bench:event-loop`: how long each step of a document's way through one process holds the event loop,
 * the thread that answers the API. A 1 ms timer notes every late tick: "held" adds up how late ticks came, "longest"
 * is the worst one; main-thread CPU is read from /proc (10 ms steps, Linux). Steps: OCR of each page (cleanup in
 * the page threads, tesseract in its threads; on the loop, the block tree's arrival and parse), document.build
 * (pdf-lib: on the loop as it was, and in the PDF thread as the job runs it now), document.sign (officer and unit
 * PAdES signatures; page 1's ink mapped in the signer's thread). Results: bench/results/event-loop.md.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readScan } from '../../services/ingest/src/scan-reader.ts';
import { buildSearchablePdf, createOcrEngine, type ProcessedPage } from '../../services/ocr/src/index.ts';
import { createPdfPool } from '../../services/ocr/src/pdf/pdf-pool.ts';
import { setInkThreadNice, signAs } from '../../services/signer/src/index.ts';
import { createTestPki } from '../../services/signer/src/testing/index.ts';
import { wasQuiet } from '../machine-share.ts';
import { machine } from './single.ts';
import { cpuWindow } from './process-tree.ts';

const { values } = parseArgs({ options: { nice: { type: 'string', default: '10' }, out: { type: 'string', default: path.join(import.meta.dirname, '..', 'results') } } });

export interface LoopHold { heldMs: number; longestMs: number; mainCpuMs: number; wallMs: number }

/** utime + stime of the main thread (its tid is the pid), in ms. */
async function mainThreadCpuMs(): Promise<number> {
  const stat = await fs.readFile(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

export async function holdOf(work: () => Promise<unknown>): Promise<LoopHold> {
  let last = performance.now();
  let held = 0;
  let longest = 0;
  const tick = () => {
    const now = performance.now();
    const late = now - last - 1;
    if (late > 1) {
      held += late;
      longest = Math.max(longest, late);
    }
    last = now;
  };
  const timer = setInterval(tick, 1);
  const cpu0 = await mainThreadCpuMs();
  const t0 = performance.now();
  try {
    await work();
  } finally {
    clearInterval(timer);
    tick();
  }
  return { heldMs: held, longestMs: longest, mainCpuMs: (await mainThreadCpuMs()) - cpu0, wallMs: performance.now() - t0 };
}

/** The same bench at commit f060721, before document.build and the signer's ink map moved to threads (kept by hand). */
const BEFORE = [
  '## Before',
  '',
  'At commit f060721 (others\' share 72 %), document.build held the event loop 980 ms at longest (280 ms of main-thread CPU) and',
  'document.sign 1506 ms at longest (710 ms of main-thread CPU, of which page 1\'s ink map about 480 ms: decoding and pixel loops,',
  'measured with --cpu-prof). What is left on the loop in document.sign is pdf-lib reading and writing the incremental update,',
  'the font subset and the CMS; in OCR, sharp calls\' dispatch and tesseract\'s block tree arriving and being walked (tens of ms).',
].join('\n');

const nice = Number(values.nice);
const scans = path.join(import.meta.dirname, '..', '..', 'samples', 'scans');
const pages = (await readScan(await fs.readFile(path.join(scans, 'dossier-ks.pdf')))).slice(0, 5);
const engine = await createOcrEngine({ workers: 2, threadNice: nice });
const pdfs = createPdfPool(nice);
setInkThreadNice(nice);
const pki = await createTestPki();
const others = cpuWindow();
try {
  await engine.processPage(pages[0]!.image, { dpi: pages[0]!.dpi }); // threads warm, models loaded: not a page's cost
  const ocr: LoopHold[] = [];
  const processed: ProcessedPage[] = [];
  for (const page of pages) ocr.push(await holdOf(async () => processed.push(await engine.processPage(page.image, { dpi: page.dpi }))));
  // Both workers at once, as the queue runs them: the loop also receives two pages' trees.
  const both = await holdOf(() => Promise.all(pages.slice(0, 2).map((p) => engine.processPage(p.image, { dpi: p.dpi }))));
  let pdf: Uint8Array = new Uint8Array();
  const meta = { title: 'Tờ khai', author: 'UBND', subject: 'Hồ sơ', keywords: ['KS'], language: 'vi', creator: 'sohoa' };
  await buildSearchablePdf(processed.slice(0, 1), meta); // font and profile loaded once per process
  const document = processed.filter((p) => !p.blank);
  const buildOnLoop = await holdOf(async () => (pdf = await buildSearchablePdf(document, meta)));
  await pdfs.build(processed.slice(0, 1), meta); // the thread started and its fonts loaded
  const build = await holdOf(async () => (pdf = await pdfs.build(document, meta)));
  await signAs(pdf, pki.officer, { role: 'officer', reason: 'warm', signingTime: new Date() }); // the ink thread started
  let signed: Uint8Array = pdf;
  const sign = await holdOf(async () => {
    signed = await signAs(pdf, pki.officer, { role: 'officer', name: 'Nguyễn Thị Thu Hà', reason: 'Số hóa', location: 'UBND', signingTime: new Date() });
    signed = await signAs(signed, pki.unit, { role: 'unit', reason: 'Số hóa', location: 'UBND', signingTime: new Date() });
  });
  const share = others.othersShare();
  const row = (name: string, h: LoopHold) => `| ${name} | ${h.heldMs.toFixed(0)} | ${h.longestMs.toFixed(0)} | ${h.mainCpuMs.toFixed(0)} | ${h.wallMs.toFixed(0)} |`;
  const pageRows = ocr.map((h, i) => row(`OCR, page ${i + 1}${processed[i]!.blank ? ' (blank)' : ''}`, h));
  const report = [
    '# Event loop: what a document holds it for',
    '',
    `Generated by \`npm run bench:event-loop\` (OCR_THREAD_NICE=${nice}) on ${machine()}, ${new Date().toISOString().slice(0, 10)}. ${
      wasQuiet([share])
        ? `The machine was quiet: other processes used ${(share * 100).toFixed(0)} % of all cores meanwhile. Main-thread CPU counts the 1 ms timer's own ticks (an upper bound, more so for long walls).`
        : `The machine was shared: other processes used ${(share * 100).toFixed(0)} % of all cores meanwhile, so late ticks include the scheduler's delays; main-thread CPU does not, but it counts the 1 ms timer's own ticks (an upper bound, more so for long walls).`
    }`,
    '',
    `${pages.length} pages of samples/scans/dossier-ks.pdf; the document is the non-blank ones (${processed.filter((p) => !p.blank).length}), ${Math.round(pdf.length / 1024)} KB unsigned, ${Math.round(signed.length / 1024)} KB signed.`,
    '',
    '| step | event loop held (ms, sum of late ticks) | longest hold (ms) | main-thread CPU (ms) | wall (ms) |',
    '|---|---|---|---|---|',
    ...pageRows,
    row('OCR, two pages at once (2 workers)', both),
    row('document.build on the event loop (before)', buildOnLoop),
    row('document.build in the PDF thread (now)', build),
    row('document.sign: officer + unit PAdES signatures, ink mapped in the signer thread (now)', sign),
    '',
    BEFORE,
    '',
  ].join('\n');
  await fs.mkdir(values.out!, { recursive: true });
  await fs.writeFile(path.join(values.out!, 'event-loop.md'), report);
  console.log(report);
} finally {
  await engine.close();
  await pdfs.close();
  await pki.cleanup();
}
