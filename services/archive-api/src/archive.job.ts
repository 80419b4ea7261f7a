import { createHash } from 'node:crypto';
import { documentRepository, recordAudit, recordKey, UnsafeObjectKey, withTransaction, type Db, type JobHandler, type ObjectStore } from '@sohoa/shared';
import * as repo from './archive.repository.ts';
import { objectMetadata, recordMetadata } from './record-metadata.ts';
import { addRecordWords } from './search-words.repository.ts';

export interface ArchiveJobDeps { db: Db; store: ObjectStore }

/**
 * record.archive: the signed PDF becomes a record: stored under a key fixed by the record id (so a rerun
 * overwrites the same object, never makes a second), its SHA-256 checked on read-back, then recorded once.
 */
export function archiveRecordJob(deps: ArchiveJobDeps): JobHandler<'record.archive'> {
  return {
    async run({ documentId }) {
      const doc = await repo.documentToArchive(deps.db, documentId);
      if (!doc) return { status: 'skipped', reason: 'document not found' };
      if (doc.status !== 'signed' || !doc.signed_key) return { status: 'skipped', reason: `document is ${doc.status}` };

      const pdf = await deps.store.get(doc.signed_key);
      const sha256 = createHash('sha256').update(pdf).digest('hex');
      const metadata = recordMetadata(doc, { sha256, pageCount: doc.page_ids.length, archivedAt: new Date() });
      let objectKey: string;
      try {
        objectKey = recordKey(doc.unit_code, doc.dossier_code, doc.record_id);
      } catch (err) {
        // A code stored before codes were checked: no retry makes it a safe key, so the document fails with the reason.
        if (!(err instanceof UnsafeObjectKey)) throw err;
        await documentRepository.markFailed(deps.db, documentId, 'signed', `archiving refused: ${err.message}`);
        return { status: 'failed', reason: err.message };
      }
      await deps.store.put(objectKey, pdf, { contentType: 'application/pdf', metadata: objectMetadata(metadata) });
      const stored = createHash('sha256').update(await deps.store.get(objectKey)).digest('hex');
      if (stored !== sha256) throw new Error(`fixity check failed: stored object hashes to ${stored}, expected ${sha256}`);

      const text = (await repo.pageTexts(deps.db, doc.page_ids)).join('\f');
      await withTransaction(deps.db, async (tx) => {
        const created = await repo.insertRecord(tx, {
          id: doc.record_id, documentId, dossierId: doc.dossier_id, unitId: doc.unit_id, bucket: deps.store.bucket, objectKey,
          sha256, size: pdf.length, pageCount: metadata.pageCount, metadata, text,
          retentionYears: metadata.retention === 'permanent' ? null : metadata.retention.years, retainUntil: metadata.retainUntil,
          ownerIdentifier: metadata.ownerIdentifier,
        });
        // The search vector is a generated column, written with the row; the words for OCR slips go with it.
        if (created) await addRecordWords(tx, [doc.record_id]);
        await documentRepository.markArchived(tx, documentId);
        if (created) await recordAudit(tx, { actor: 'system', action: 'record.archived', subjectType: 'record', subjectId: doc.record_id, detail: { objectKey, sha256 } });
      });
      return { status: 'done' };
    },
    async giveUp({ documentId }, error) {
      await documentRepository.markFailed(deps.db, documentId, 'signed', `archiving failed: ${error}`);
    },
  };
}
