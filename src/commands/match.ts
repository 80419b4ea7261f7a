import fs from 'node:fs/promises';
import { loadConfig, parseCatalog } from '@sohoa/shared';
import { readScan, ScanRejected } from '@sohoa/ingest';
import { createOcrEngine, decodeCodes } from '@sohoa/ocr';
import { candidatesFromCatalog, documentsFromPages, dossierCodeOf, type PageText } from '@sohoa/matching';

/**
 * `sohoa match`: no database. Each input is cleaned, recognized, split into documents and matched against the
 * catalog as the pipeline's batch.split does (the procedure: --procedure, else the receipt's code, else every
 * procedure's); one JSON line per document. A file that fails is named on stderr; the others are still done.
 */
export async function runMatch(o: { catalog: string; procedure?: string; files: string[] }): Promise<number> {
  const catalog = parseCatalog(JSON.parse(await fs.readFile(o.catalog, 'utf8')));
  if (o.procedure && !catalog.procedures.some((p) => p.code === o.procedure)) throw new Error(`the catalog has no procedure ${o.procedure}`);
  const candidates = candidatesFromCatalog(catalog, null, { results: true });
  const { ocr } = loadConfig();
  const engine = await createOcrEngine({ workers: ocr.workers, languages: ocr.languages });
  const failed: string[] = [];
  try {
    for (const file of o.files) {
      try {
        const scan = await readScan(await fs.readFile(file));
        const processed = await Promise.all(scan.map((p) => engine.processPage(p.image, { dpi: p.dpi })));
        const pages: PageText[] = [];
        for (const [i, p] of processed.entries()) {
          const codes = await decodeCodes(p.image); // blank pages too: a separator may carry only a small code
          pages.push({ pageId: String(i + 1), blank: p.blank, width: p.width, height: p.height, text: p.text, words: p.words, codes });
        }
        const procedureCode = o.procedure ?? dossierCodeOf(pages)?.procedureCode ?? null;
        const found = documentsFromPages(pages, { candidates, procedureCode });
        for (const doc of found.documents) {
          console.log(JSON.stringify({
            file,
            pages: doc.pageIds.map(Number),
            kind: doc.kind,
            dossier: found.dossier?.dossierCode ?? null,
            procedure: doc.procedureCode,
            component: doc.componentCode,
            confidence: Number(doc.confidence.toFixed(3)),
            runnerUp: doc.runnerUp,
            needsReview: doc.needsReview,
            title: doc.title,
            fields: doc.fields,
          }));
        }
      } catch (err) {
        console.error(`${file}: FAILED: ${err instanceof ScanRejected ? err.reason : err instanceof Error ? err.message : String(err)}`);
        failed.push(file);
      }
    }
  } finally {
    await engine.close();
  }
  return failed.length ? 1 : 0;
}
