import { createHash } from 'node:crypto';
import { documentRepository, eventRepository, recordAudit, recordKey, UnsafeObjectKey, withTransaction, type Db, type JobHandler, type ObjectStore, type Queryable } from '@sohoa/shared';
import * as repo from './archive.repository.ts';
import { recordArchived } from './archival-file.service.ts';
import { objectMetadata, recordMetadata } from './record-metadata.ts';
import { recordRetention } from './retention.ts';
import { defaultLockSettings, objectLockFor, type LockSettings } from './object-lock.ts';
import { addRecordWords } from './search-words.repository.ts';

export interface ArchiveJobDeps { db: Db; store: ObjectStore; lock?: LockSettings }

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
      // A rerun after the record was committed: its object is write-once now (record-guard.ts), nothing to store again.
      if (await repo.recordOfDocument(deps.db, documentId)) {
        await documentRepository.markArchived(deps.db, documentId);
        return { status: 'done' };
      }

      const pdf = await deps.store.get(doc.signed_key);
      const sha256 = createHash('sha256').update(pdf).digest('hex');
      const archivedAt = new Date();
      const metadata = recordMetadata(doc, { sha256, pageCount: doc.page_ids.length, archivedAt });
      const retention = recordRetention({ hasComponent: doc.has_component, retentionYears: doc.retention_years, fileClosedAt: null, archivedAt });
      let objectKey: string;
      try {
        objectKey = recordKey(doc.unit_code, doc.dossier_code, doc.record_id);
      } catch (err) {
        // A code stored before codes were checked: no retry makes it a safe key, so the document fails with the reason.
        if (!(err instanceof UnsafeObjectKey)) throw err;
        await documentRepository.markFailed(deps.db, documentId, 'signed', `archiving refused: ${err.message}`);
        return { status: 'failed', reason: err.message };
      }
      const { versionId } = await deps.store.put(objectKey, pdf, { contentType: 'application/pdf', metadata: objectMetadata(metadata) });
      // On a store with Object Lock, the version just written is locked before the record exists: no window where
      // a committed record's object could still be removed. (Legal holds placed on its dossier follow at insert.)
      if (deps.store.objectLock) await deps.store.lockRetention(objectKey, objectLockFor(retention, deps.lock ?? defaultLockSettings, archivedAt, versionId));
      const stored = createHash('sha256').update(await deps.store.get(objectKey)).digest('hex');
      if (stored !== sha256) throw new Error(`fixity check failed: stored object hashes to ${stored}, expected ${sha256}`);

      const text = (await repo.pageTexts(deps.db, doc.page_ids)).join('\f');
      await withTransaction(deps.db, async (tx) => {
        const created = await repo.insertRecord(tx, {
          id: doc.record_id, documentId, dossierId: doc.dossier_id, unitId: doc.unit_id, bucket: deps.store.bucket, objectKey, objectVersionId: versionId ?? null,
          sha256, size: pdf.length, pageCount: metadata.pageCount, metadata, text, retention, ownerIdentifier: metadata.ownerIdentifier,
        });
        // The search vector is a generated column, written with the row; the words for OCR slips go with it.
        if (created) await addRecordWords(tx, [doc.record_id]);
        await documentRepository.markArchived(tx, documentId);
        if (created) {
          await recordAudit(tx, { actor: 'system', action: 'record.archived', subjectType: 'record', subjectId: doc.record_id, detail: { objectKey, sha256 } });
          await recordEvents(tx, doc, archivedAt);
        }
        // An issued result ends the dossier's work: it becomes an archival file. A record of a dossier already filed joins it.
        await recordArchived(tx, { dossierId: doc.dossier_id, isResult: doc.component_kind === 'result', at: new Date() });
        const [held] = await repo.refreshLegalHold(tx, { recordIds: [doc.record_id] });
        if (held?.legal_hold && deps.store.objectLock) await deps.store.setLegalHold(objectKey, true, versionId);
      });
      return { status: 'done' };
    },
    async giveUp({ documentId }, error) {
      await documentRepository.markFailed(deps.db, documentId, 'signed', `archiving failed: ${error}`);
    },
  };
}

/**
 * Other systems hear of it (the webhooks outbox, in the archiving transaction): the record archived, and the dossier
 * completed once every required component of its procedure has a record. The completeness check runs under the
 * dossier's event lock, after every earlier commit of the dossier: two records archived at once cannot both miss it.
 */
async function recordEvents(tx: Queryable, doc: repo.DocumentToArchive, archivedAt: Date): Promise<void> {
  await eventRepository.appendEvent(tx, {
    type: 'record.archived', unitId: doc.unit_id, dossierId: doc.dossier_id, recordId: doc.record_id,
    data: { procedure: doc.procedure_code, component: doc.component_code, pages: doc.page_ids.length, archivedAt: archivedAt.toISOString() },
  });
  const required = await repo.requiredComponentsOnFile(tx, doc.dossier_id);
  if (!required.length || required.some((c) => !c.onFile)) return;
  if (await eventRepository.hasDossierEvent(tx, doc.dossier_id, 'dossier.completed')) return;
  await eventRepository.appendEvent(tx, {
    type: 'dossier.completed', unitId: doc.unit_id, dossierId: doc.dossier_id,
    data: { procedure: doc.procedure_code, components: required.map((c) => c.code) },
  });
}
