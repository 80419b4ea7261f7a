/**
 * `node --import tsx bench/pipeline/memory-probe.ts [--pages N --workers N --recycle N --turn N]`: the OCR engine alone,
 * in this process, on the pipeline bench's pages (cleanup, OCR and code reading, as the ocr.page job runs them), with the process's resident memory (worker threads included)
 * sampled every 100 ms and read after each stage: start-up, first pages, steady state. It tells what each part
 * costs, where `bench:pipeline` gives only the whole process's peak.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { readScan } from '@sohoa/ingest';
import { createOcrEngine } from '@sohoa/ocr';
import { pipelineCorpus } from './corpus.ts';

const { values } = parseArgs({
  options: {
    pages: { type: 'string', default: '24' },
    workers: { type: 'string', default: '2' },
    recycle: { type: 'string', default: '50' },
    seed: { type: 'string', default: '20261203' },
    /** Every Nth page turned a quarter, so orientation detection (its own tesseract worker) is used; 0 = none. */
    turn: { type: 'string', default: '0' },
  },
});

const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;
const cpuSeconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};
/**
 * The resident parts of the address space, largest first, by kind: a WebAssembly memory (tesseract, MuPDF) sits in a
 * reservation of many GB, glibc's arenas are 64 MB (or the main [heap]), V8's heaps are many small pieces.
 */
function largestMappings(count = 12): string[] {
  const regions: { kind: string; sizeMb: number; rssMb: number }[] = [];
  let current: { kind: string; sizeMb: number; rssMb: number } | null = null;
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      const sizeMb = (parseInt(head[2], 16) - parseInt(head[1], 16)) / 2 ** 20;
      const name = head[3] || (sizeMb >= 1024 ? 'wasm reservation' : 'anonymous');
      current = { kind: name, sizeMb, rssMb: 0 };
      regions.push(current);
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss && current) current.rssMb = Number(rss[1]) / 1024;
  }
  const small = regions.filter((r) => r.rssMb < 8).reduce((sum, r) => sum + r.rssMb, 0);
  return [
    ...regions.sort((a, b) => b.rssMb - a.rssMb).slice(0, count).filter((r) => r.rssMb >= 8).map((r) => `${r.kind.replace(/^.*\//, '')} ${r.rssMb.toFixed(0)} of ${r.sizeMb.toFixed(0)} MB`),
    `pieces under 8 MB ${small.toFixed(0)} MB`,
  ];
}
let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, rssMb())), 100);
const stages: string[] = [];
const mark = (stage: string) => {
  const rss = rssMb();
  peak = Math.max(peak, rss);
  stages.push(`${stage}: ${rss.toFixed(0)} MB (peak so far ${peak.toFixed(0)} MB, CPU ${cpuSeconds().toFixed(1)} s)`);
  console.log(stages.at(-1));
};

mark('node + tsx');
const corpus = await pipelineCorpus(path.join(import.meta.dirname, '..', 'tmp', 'pipeline'), Number(values.seed), { throughput: 1, probes: 2 });
const images: { image: Buffer; dpi?: number }[] = [];
const turnEvery = Number(values.turn);
for (const dossier of [...corpus.throughput, ...corpus.probes]) {
  for (const page of await readScan(readFileSync(dossier.file))) {
    const turned = turnEvery > 0 && images.length % turnEvery === 0;
    images.push({ image: turned ? await sharp(page.image).rotate(90).jpeg({ quality: 90 }).toBuffer() : page.image, dpi: page.dpi });
  }
}
mark(`${images.length} scanned pages read`);
const workers = Number(values.workers);
const engine = await createOcrEngine({ workers, recycleAfterPages: Number(values.recycle) });
mark(`engine started (${workers} workers)`);

const total = Number(values.pages);
const decidedBy = new Map<string, number>();
let next = 0;
const cpuBefore = cpuSeconds();
await Promise.all(
  Array.from({ length: workers }, async () => {
    while (next < total) {
      const n = next++;
      const { image, dpi } = images[n % images.length];
      const page = await engine.processPage(image, { dpi });
      await engine.readCodes(page.image); // as the ocr.page job does, on every page
      const by = page.cleanup?.orientationDecidedBy ?? 'unknown';
      decidedBy.set(by, (decidedBy.get(by) ?? 0) + 1);
      if ((n + 1) % images.length === 0 || n + 1 === total) mark(`${n + 1} pages`);
    }
  }),
);
const cpuPerPage = (cpuSeconds() - cpuBefore) / total;
console.log(`largest mappings now: ${largestMappings().join('; ')}`);
await engine.close();
mark('engine closed');
clearInterval(sampler);
console.log(`peak ${peak.toFixed(0)} MB; ${cpuPerPage.toFixed(2)} CPU s per page; orientation decided by ${[...decidedBy].map(([k, v]) => `${k} ${v}`).join(', ')}`);
