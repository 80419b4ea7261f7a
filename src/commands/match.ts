import fs from 'node:fs/promises';
import { loadConfig, parseCatalog } from '@sohoa/shared';
import { readScan, ScanRejected } from '@sohoa/ingest';
import { createOcrEngine, decodeCodes } from '@sohoa/ocr';
import { candidatesFromCatalog, extractFields, matchDocument, splitBatch, type PageText } from '@sohoa/matching';

/**
 * `sohoa match`: no database. Each input is cleaned, recognized, split into documents and matched against the
 * catalog; one JSON line per document. A file that fails is named on stderr; the others are still done.
 */
export async function runMatch(o: { catalog: string; procedure?: string; files: string[] }): Promise<number> {
  const catalog = parseCatalog(JSON.parse(await fs.readFile(o.catalog, 'utf8')));
  if (o.procedure && !catalog.procedures.some((p) => p.code === o.procedure)) throw new Error(`the catalog has no procedure ${o.procedure}`);
  const candidates = candidatesFromCatalog(catalog, o.procedure ?? null, { results: true });
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
        const split = splitBatch(pages, candidates);
        const byId = new Map(pages.map((p) => [p.pageId, p]));
        for (const doc of split.documents) {
          const docPages = doc.pageIds.map((id) => byId.get(id)!);
          const fields = extractFields(docPages.map((p) => p.text).join('\n'));
          const m = doc.kind === 'receipt' ? null : matchDocument(docPages, candidates);
          console.log(JSON.stringify({
            file,
            pages: doc.pageIds.map(Number),
            kind: doc.kind,
            dossier: split.dossier?.dossierCode ?? null,
            procedure: m?.procedureCode ?? split.dossier?.procedureCode ?? null,
            component: m?.componentCode ?? null,
            confidence: m ? Number(m.confidence.toFixed(3)) : null,
            runnerUp: m?.runnerUp ?? null,
            needsReview: m?.needsReview ?? false,
            title: m?.title ?? doc.title,
            fields,
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
