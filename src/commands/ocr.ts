import fs from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '@sohoa/shared';
import { readScan, ScanRejected } from '@sohoa/ingest';
import { buildSearchablePdf, createOcrEngine, type ProcessedPage } from '@sohoa/ocr';

/**
 * `sohoa ocr`: scans to text and searchable PDF with no database. Blank pages (duplex back sides) are left out
 * of both outputs and counted. A file that fails is named at the end; the others are still done.
 */
export async function runOcr(outDir: string, files: string[]): Promise<number> {
  await fs.mkdir(outDir, { recursive: true });
  const { ocr } = loadConfig();
  const engine = await createOcrEngine({ workers: ocr.workers, languages: ocr.languages });
  const failed: string[] = [];
  let totalPages = 0;
  const started = performance.now();
  try {
    for (const file of files) {
      const name = path.basename(file).replace(/\.[^.]+$/, '');
      try {
        const scan = await readScan(await fs.readFile(file));
        const pages: ProcessedPage[] = await Promise.all(scan.map((p) => engine.processPage(p.image, { dpi: p.dpi })));
        const kept = pages.filter((p) => !p.blank);
        totalPages += pages.length;
        await fs.writeFile(path.join(outDir, `${name}.txt`), kept.map((p) => p.text).join('\f'), 'utf8');
        if (kept.length) await fs.writeFile(path.join(outDir, `${name}.pdf`), await buildSearchablePdf(kept, { title: name, language: 'vi', creator: 'sohoa' }));
        const blank = pages.length - kept.length;
        console.log(`${file}: ${pages.length} page(s)${blank ? `, ${blank} blank left out` : ''}, mean confidence ${mean(kept.map((p) => p.confidence)).toFixed(0)}`);
      } catch (err) {
        const reason = err instanceof ScanRejected ? err.reason : err instanceof Error ? err.message : String(err);
        console.error(`${file}: FAILED: ${reason}`);
        failed.push(file);
      }
    }
  } finally {
    await engine.close();
  }
  const minutes = (performance.now() - started) / 60_000;
  console.log(`${totalPages} page(s) in ${(minutes * 60).toFixed(1)} s: ${(totalPages / minutes).toFixed(1)} pages/min`);
  if (failed.length) {
    console.error(`failed: ${failed.join(', ')}`);
    return 1;
  }
  return 0;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
