import { randomUUID } from 'node:crypto';
import type { Db, JobHandler, ObjectStore, Queue } from '@sohoa/shared';
import { buildSearchablePdf, type OcrWord, type ProcessedPage } from '../index.ts';
import * as repo from './page.repository.ts';

export interface DocumentJobDeps { db: Db; store: ObjectStore; queue: Queue }

/**
 * document.build: the file's recognized pages (blank back sides dropped, but kept on record in `pages`)
 * become one searchable PDF, which then goes to signing.
 */
export function buildDocumentJob(deps: DocumentJobDeps): JobHandler<'document.build'> {
  return {
    async run({ fileId }) {
      const existing = await repo.documentOfFile(deps.db, fileId);
      if (existing) {
        if (existing.status === 'built') await deps.queue.send('document.sign', { documentId: existing.id });
        return { status: 'skipped', reason: 'document already built' };
      }
      const pages = await repo.pagesOfFile(deps.db, fileId);
      if (pages.some((p) => p.status === 'pending')) return { status: 'skipped', reason: 'pages still waiting for OCR' };
      const context = await repo.documentContext(deps.db, fileId);
      if (!context) return { status: 'skipped', reason: 'file not found' };

      const content = pages.filter((p) => p.status === 'done' && !p.blank);
      if (content.length === 0) {
        const why = pages.some((p) => p.status === 'failed') ? 'no page could be recognized' : 'every page is blank';
        await repo.noteFile(deps.db, fileId, `${why}: no document made`);
        return { status: 'skipped', reason: why };
      }
      const processed: ProcessedPage[] = [];
      for (const p of content) processed.push(await toProcessedPage(deps.store, p));
      const title = context.component_name ?? context.file_name;
      const pdf = await buildSearchablePdf(processed, {
        title,
        author: context.unit_name,
        subject: `Hồ sơ ${context.dossier_code}`,
        keywords: [context.dossier_code, context.procedure_code, context.component_code].filter((k): k is string => !!k),
        language: 'vi',
        creator: 'sohoa',
      });
      const documentId = randomUUID();
      const pdfKey = `work/documents/${documentId}/unsigned.pdf`;
      await deps.store.put(pdfKey, pdf, { contentType: 'application/pdf' });
      const created = await repo.insertDocument(deps.db, {
        id: documentId, batchId: context.batch_id, dossierId: context.dossier_id, fileId,
        componentCode: context.component_code, pageIds: content.map((p) => p.id), pdfKey,
      });
      if (!created) {
        await deps.store.remove(pdfKey);
        return { status: 'skipped', reason: 'another worker built the document' };
      }
      await deps.queue.send('document.sign', { documentId });
      return { status: 'done' };
    },
    async giveUp({ fileId }, error) {
      await repo.noteFile(deps.db, fileId, `the document could not be built: ${error}`);
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
