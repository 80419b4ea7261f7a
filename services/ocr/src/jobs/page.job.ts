import { batchReadyToSplit, objectKey, type Db, type JobHandler, type ObjectStore, type Queue } from '@sohoa/shared';
import { decodeCodes, type OcrEngine } from '../index.ts';
import * as repo from './page.repository.ts';

export interface OcrJobDeps { db: Db; store: ObjectStore; queue: Queue; engine: OcrEngine }

/** ocr.page: cleanup + recognition of one page; the last page of a batch triggers its split into documents. */
export function ocrPageJob(deps: OcrJobDeps): JobHandler<'ocr.page'> {
  const afterPage = async (batchId: string) => {
    if (await batchReadyToSplit(deps.db, batchId)) await deps.queue.send('batch.split', { batchId });
  };
  return {
    async run({ pageId }) {
      const page = await repo.getPage(deps.db, pageId);
      if (!page) return { status: 'skipped', reason: 'page not found' };
      if (page.status !== 'pending') {
        await afterPage(page.batch_id); // a crash may have come between saving and queueing the document
        return { status: 'skipped', reason: `page already ${page.status}` };
      }
      const source = await deps.store.get(page.source_key);
      const result = await deps.engine.processPage(source, { dpi: page.dpi ?? undefined });
      // QR codes and barcodes (receipts, separators) are read here, while the upright image is in memory; blank pages
      // too, since a separator sheet carrying only a small code may be judged blank.
      const codes = await decodeCodes(result.image);
      const imageKey = objectKey('work', 'batches', page.batch_id, 'pages', `${page.id}.clean.jpg`);
      await deps.store.put(imageKey, result.image, { contentType: 'image/jpeg' });
      await repo.savePageResult(deps.db, page.id, {
        blank: result.blank, rotation: result.rotation, skewDegrees: result.skewDegrees, confidence: result.confidence,
        lowConfidence: !result.blank && !!result.lowConfidence,
        width: result.width, height: result.height, dpi: result.dpi, imageKey, text: result.text, words: result.words, codes,
      });
      await afterPage(page.batch_id);
      return { status: 'done' };
    },
    async giveUp({ pageId }, error) {
      await repo.failPage(deps.db, pageId, `OCR failed: ${error}`);
      const page = await repo.getPage(deps.db, pageId);
      if (page) await afterPage(page.batch_id);
    },
  };
}
