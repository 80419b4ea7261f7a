/**
 * sohoa's side of the OCR benchmark, run as its own process so that its memory is sampled the same
 * way as OCRmyPDF's. It does what the pipeline does with a scanner's PDF: read the pages (ingest's
 * reader), clean and recognize each page (the OCR engine, one pool sized to the cores), build the
 * searchable PDF of the kept pages. Blank pages are dropped from the PDF and recorded in the output.
 *
 *   node --import tsx bench/ocr/sohoa-run.ts IN.pdf OUT.json OUT.pdf [--repeat N] [--accept-readability R]
 *
 * --engine-options JSON passes engine options (bench/ocr/options.ts tries speed options with it).
 * --repeat N feeds the pages N times over (the memory soak); only the first pass is written out.
 * --accept-readability R overrides the orientation threshold (the tuning step passes 101, above any
 * readability, so that every page is read both ways up and each reading is recorded).
 * The pool has OCR_WORKERS workers, read through the service's own settings, as in production.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { loadConfig } from '../../shared/src/config.ts';
import type { OsdAnswer, Rotation } from '../../services/ocr/src/cleanup/orientation.ts';
import { readScan } from '../../services/ingest/src/scan-reader.ts';
import { buildSearchablePdf, createOcrEngine, type OcrEngineOptions, type ProcessedPage } from '../../services/ocr/src/index.ts';

export interface SohoaPageResult {
  index: number;
  blank: boolean;
  rotation: number;
  skewDegrees: number;
  confidence: number;
  text: string;
  imageBytes: number;
  decidedBy?: string;
  /** Readability of each orientation read, and OSD's answer when it was asked. */
  readability: Partial<Record<Rotation, number>>;
  osd?: OsdAnswer;
}

export interface SohoaRunResult {
  seconds: number;
  pages: SohoaPageResult[];
  /** Resident memory after every 10 pages of the soak (MB), to show it stays flat. */
  rssTrail: number[];
  pdfBytes: number;
  workers: number;
}

async function main(): Promise<void> {
  const [input, outJson, outPdf, ...rest] = process.argv.slice(2);
  const repeatAt = rest.indexOf('--repeat');
  const repeat = repeatAt >= 0 ? Number(rest[repeatAt + 1]) : 1;
  const acceptAt = rest.indexOf('--accept-readability');
  const acceptReadability = acceptAt >= 0 ? Number(rest[acceptAt + 1]) : undefined;
  const optionsAt = rest.indexOf('--engine-options');
  const engineOptions = optionsAt >= 0 ? (JSON.parse(rest[optionsAt + 1]) as OcrEngineOptions) : {};
  const { workers } = loadConfig().ocr;
  const started = performance.now();
  const engine = await createOcrEngine({ workers, acceptReadability, ...engineOptions });
  const rssTrail: number[] = [];
  let done = 0;
  let first: ProcessedPage[] = [];
  let pdfBytes = 0;
  try {
    const scan = await readScan(await readFile(input));
    for (let pass = 0; pass < repeat; pass++) {
      const processed = await Promise.all(
        scan.map(async (page) => {
          const result = await engine.processPage(page.image, { dpi: page.dpi });
          if (++done % 10 === 0) rssTrail.push(Math.round(process.memoryUsage().rss / 2 ** 20));
          return result;
        }),
      );
      if (pass === 0) {
        first = processed;
        const kept = processed.filter((p) => !p.blank);
        const pdf = await buildSearchablePdf(kept, { title: 'OCR benchmark corpus', language: 'vi', creator: 'sohoa bench' });
        await writeFile(outPdf, pdf);
        pdfBytes = pdf.length;
      }
    }
  } finally {
    await engine.close();
  }
  const result: SohoaRunResult = {
    seconds: (performance.now() - started) / 1000,
    pages: first.map((p, index) => ({
      index,
      blank: p.blank,
      rotation: p.rotation,
      skewDegrees: p.skewDegrees,
      confidence: p.confidence,
      text: p.text,
      imageBytes: p.image.length,
      decidedBy: p.cleanup?.orientationDecidedBy,
      readability: p.cleanup?.readability ?? {},
      osd: p.cleanup?.osd,
    })),
    rssTrail,
    pdfBytes,
    workers,
  };
  await writeFile(outJson, JSON.stringify(result, null, 1));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
