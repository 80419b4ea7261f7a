import { readFileSync } from 'node:fs';
import { threadNiceness } from '@sohoa/shared';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignerError, signAs, signPdf, verifyPdf, type SignaturePlacement } from '../index.ts';
import { createTestPki, scannedPageJpeg, type TestPki } from '../testing/index.ts';
import { setSignThreadNice, signThreadTasksRun } from './sign-pool.ts';

const linux = process.platform === 'linux';
/** CPU the main thread has run, in ns (Linux: /proc's schedstat, exact where /proc/…/stat counts 10 ms ticks). */
const mainThreadCpuNs = () => (linux ? Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) : 0);
/** CPU of every thread of the process, in ns. */
const processCpuNs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
};

/** A scanned page as sohoa's records hold it: one full-page JPEG (a title bar and a seal's red on paper). */
async function scannedPdf(): Promise<Uint8Array> {
  const jpeg = await scannedPageJpeg(1240);
  const doc = await PDFDocument.create();
  const image = await doc.embedJpg(jpeg);
  doc.addPage([595.3, 841.9]).drawImage(image, { x: 0, y: 0, width: 595.3, height: 841.9 });
  return doc.save({ useObjectStreams: false });
}

let pki: TestPki;
let pdf: Uint8Array;

beforeAll(async () => {
  setSignThreadNice(12);
  pki = await createTestPki();
  pdf = await scannedPdf();
  await signAs(pdf, pki.officer, { role: 'officer' }); // the thread started and its modules loaded: not a signature's cost
});
afterAll(async () => {
  setSignThreadNice(0);
  await pki.cleanup();
});

describe('document.sign off the event loop', () => {
  it('reads, updates and seals the PDF in the signing thread: the main thread runs a small share of the CPU, and the signatures verify', async () => {
    const tasks = signThreadTasksRun();
    const main = mainThreadCpuNs();
    const all = processCpuNs();
    const placements: SignaturePlacement[] = [];
    const byOfficer = await signAs(pdf, pki.officer, { role: 'officer', name: 'Nguyễn Thị Thu Hà', onPlacement: (p) => placements.push(p) });
    const signed = await signAs(byOfficer, pki.unit, { role: 'unit', name: 'UBND phường Mẫu', onPlacement: (p) => placements.push(p) });
    const mainCpu = mainThreadCpuNs() - main;
    const allCpu = processCpuNs() - all;

    expect(signThreadTasksRun() - tasks).toBe(4); // 'prepare' and 'finish' for each signature
    // With pdf-lib and the CMS on the event loop, the main thread ran 17–29 % of the process's CPU for these two
    // signatures (page 1's ink map in its own thread the rest); now about 1 %: the key's signing and the hand-overs.
    if (linux) expect(mainCpu / allCpu).toBeLessThan(0.06);
    // Both boxes were placed from page 1's ink, which the signing thread mapped itself.
    expect(placements.map((p) => p.inkFrom)).toEqual(['page-image', 'page-image']);
    const report = await verifyPdf(signed, { trustAnchorsPem: [pki.caPem] });
    expect(report.problems).toEqual([]);
    expect(report.signatures).toHaveLength(2);
    expect(report.valid).toBe(true);
  });

  it('runs the thread at the niceness asked, the event loop as it was', () => {
    if (!linux) return;
    const threads = threadNiceness();
    expect(threads.find((t) => t.tid === process.pid)!.nice).toBeLessThan(12);
    expect(threads.filter((t) => t.nice === 12).length).toBeGreaterThanOrEqual(1);
  });

  it('brings a refusal back from the thread as the SignerError it was, with its code', async () => {
    const refusal = await signPdf(new TextEncoder().encode('%PDF-1.7 not really'), pki.unit).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(SignerError);
    expect((refusal as SignerError).code).toBe('bad-pdf');
  });
});
