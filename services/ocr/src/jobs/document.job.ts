import { documentRepository, objectKey, withTransaction, type Db, type JobHandler, type ObjectStore, type Queue } from '@sohoa/shared';
import type { OcrWord, ProcessedPage } from '../index.ts';
import { createPdfPool, type PdfPool } from '../pdf/pdf-pool.ts';
import * as repo from './page.repository.ts';

export interface DocumentJobDeps {
  db: Db;
  store: ObjectStore;
  queue: Queue;
  /** Where PDFs are assembled, off the event loop; absent: a thread of this job's own, at `threadNice`. */
  pdfs?: PdfPool;
  /** OCR_THREAD_NICE. */
  threadNice?: number;
}

/**
 * document.build: a matched (or clerk-confirmed) document's pages become one searchable PDF, then go to signing.
 * The PDF's key is fixed by the document id, so a rerun after a crash overwrites rather than duplicates.
 */
export function buildDocumentJob(deps: DocumentJobDeps): JobHandler<'document.build'> {
  const pdfs = deps.pdfs ?? createPdfPool(deps.threadNice);
  return {
    async run({ documentId }) {
      const doc = await repo.documentToBuild(deps.db, documentId);
      if (!doc) return { status: 'skipped', reason: 'document not found' };
      if (doc.status === 'built') await deps.queue.send('document.sign', { documentId });
      if (doc.status !== 'matched') return { status: 'skipped', reason: `document is ${doc.status}` };

      const pages = await repo.pagesByIds(deps.db, doc.page_ids);
      const processed: ProcessedPage[] = [];
      for (const p of pages) processed.push(await toProcessedPage(deps.store, p));
      const pdf = await pdfs.build(processed, {
        title: doc.title ?? 'Tài liệu',
        author: doc.unit_name,
        subject: `Hồ sơ ${doc.dossier_code}`,
        keywords: [doc.dossier_code, doc.procedure_code, doc.component_code].filter((k): k is string => !!k),
        language: 'vi',
        creator: 'sohoa',
      });
      const pdfKey = objectKey('work', 'documents', documentId, `r${doc.revision}`, 'unsigned.pdf');
      await deps.store.put(pdfKey, pdf, { contentType: 'application/pdf' });
      const built = await withTransaction(deps.db, async (tx) => {
        if (!(await documentRepository.markBuilt(tx, documentId, doc.revision, pdfKey))) return false;
        await deps.queue.send('document.sign', { documentId }, { tx });
        return true;
      });
      return built ? { status: 'done' } : { status: 'skipped', reason: 'document changed while it was built' };
    },
    async giveUp({ documentId }, error) {
      await documentRepository.markFailed(deps.db, documentId, 'matched', `the document could not be built: ${error}`);
    },
  };
}

async function toProcessedPage(store: ObjectStore, p: repo.PageRow): Promise<ProcessedPage> {
  return {
    blank: false,
    image: await store.get(p.image_key!),
    width: p.width!,
    height: p.height!,
    dpi: p.dpi!,
    rotation: (p.rotation ?? 0) as ProcessedPage['rotation'],
    skewDegrees: p.skew_degrees ?? 0,
    text: p.text ?? '',
    words: (p.words as OcrWord[] | null) ?? [],
    confidence: p.confidence ?? 0,
  };
}
