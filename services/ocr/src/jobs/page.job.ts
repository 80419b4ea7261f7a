import { batchRepository, metrics, objectKey, queueSplitWhenReady, withTransaction, type Db, type JobHandler, type ObjectStore, type Queue } from '@sohoa/shared';
import type { OcrEngine } from '../index.ts';
import * as repo from './page.repository.ts';

export interface OcrJobDeps { db: Db; store: ObjectStore; queue: Queue; engine: OcrEngine }

/** ocr.page: cleanup + recognition of one page; the last page of a batch triggers its split into documents. */
export function ocrPageJob(deps: OcrJobDeps): JobHandler<'ocr.page'> {
  return {
    async run({ pageId }) {
      const page = await repo.getPage(deps.db, pageId);
      if (!page) return { status: 'skipped', reason: 'page not found' };
      if (page.status !== 'pending') {
        // Settled by an earlier run whose job was not marked complete: the split, if due, was queued with it; asking
        // again is harmless (the split job skips a batch already split).
        await withTransaction(deps.db, (tx) => queueSplitWhenReady(tx, deps.queue, page.batch_id));
        return { status: 'skipped', reason: `page already ${page.status}` };
      }
      const source = await deps.store.get(page.source_key);
      const result = await deps.engine.processPage(source, { dpi: page.dpi ?? undefined });
      // QR codes and barcodes (receipts, separators) are read here, while the upright image is in memory; blank pages
      // too, since a separator sheet carrying only a small code may be judged blank.
      const codes = await deps.engine.readCodes(result.image);
      const imageKey = objectKey('work', 'batches', page.batch_id, 'pages', `${page.id}.clean.jpg`);
      await deps.store.put(imageKey, result.image, { contentType: 'image/jpeg' });
      await withTransaction(deps.db, async (tx) => {
        await batchRepository.pageRecognized(tx, page.id, {
          blank: result.blank, rotation: result.rotation, skewDegrees: result.skewDegrees, confidence: result.confidence,
          lowConfidence: !result.blank && !!result.lowConfidence,
          width: result.width, height: result.height, dpi: result.dpi, imageKey, text: result.text, words: result.words, codes,
        });
        await queueSplitWhenReady(tx, deps.queue, page.batch_id);
      });
      metrics.ocrPages.inc();
      if (!result.blank) metrics.ocrConfidence.observe(result.confidence);
      return { status: 'done' };
    },
    async giveUp({ pageId }, error) {
      // A page that failed for good is left out of its documents (role "unreadable"); the batch goes on without it.
      await withTransaction(deps.db, async (tx) => {
        const page = await repo.getPage(tx, pageId);
        if (!page) return;
        await batchRepository.pageFailed(tx, pageId, `OCR failed: ${error}`);
        await queueSplitWhenReady(tx, deps.queue, page.batch_id);
      });
    },
  };
}
