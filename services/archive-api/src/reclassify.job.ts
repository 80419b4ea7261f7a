import { recordAudit, withTransaction, type Db, type JobHandler, type ObjectStore } from '@sohoa/shared';
import { recordArchived } from './archival-file.service.ts';
import * as repo from './archive.repository.ts';
import { recordRetention } from './retention.ts';
import { defaultLockSettings, objectLockFor, type LockSettings } from './object-lock.ts';
import { addRecordWords } from './search-words.repository.ts';

export interface ReclassifyJobDeps { db: Db; store?: ObjectStore; lock?: LockSettings }

/**
 * record.reclassify: a clerk corrected the component of a document already archived. The record belongs to this
 * stage, so the correction (upstream, in matching) only asks for it; the record takes the document's component as
 * it is when the job runs, and the retention of that component (counted from the same day as before), so a rerun
 * or a second correction in between ends the same. A change of retention is audited with the old value.
 */
export function reclassifyRecordJob(deps: ReclassifyJobDeps): JobHandler<'record.reclassify'> {
  return {
    async run({ documentId }) {
      return withTransaction(deps.db, async (tx) => {
        const record = await repo.recordToReclassify(tx, documentId);
        if (!record) return { status: 'skipped' as const, reason: 'the document has no record' };
        if (record.disposed) return { status: 'skipped' as const, reason: 'the record was disposed of' };
        const from = new Date(`${record.retention_from}T00:00:00+07:00`);
        const retention = recordRetention({
          hasComponent: record.has_component, retentionYears: record.retention_years,
          fileClosedAt: record.retention_provisional ? null : from, archivedAt: from,
        });
        await repo.reclassifyRecord(tx, record.record_id, { code: record.component_code, name: record.component_name }, retention);
        // The new component name is searchable from the same commit: the vector is generated from the metadata.
        await addRecordWords(tx, [record.record_id]);
        // A filed record's document description follows the corrected component (the archivist's edits stay).
        await recordArchived(tx, { dossierId: record.dossier_id, isResult: false, at: new Date() });
        const oldYears = record.old_retention_years;
        const newYears = retention.permanent ? null : (retention.retention as { years: number }).years;
        const longer = retention.permanent ? oldYears !== null : retention.retainUntil! > (record.old_retain_until ?? '9999');
        // An S3 lock is only ever extended: a shorter term stays locked to the old date and sohoa's guard decides.
        if (longer && deps.store?.objectLock) {
          await deps.store.lockRetention(record.object_key, objectLockFor(retention, deps.lock ?? defaultLockSettings, new Date(), record.object_version_id ?? undefined));
        }
        if (oldYears !== newYears || record.old_retain_until !== retention.retainUntil) {
          await recordAudit(tx, {
            actor: 'system', action: 'record.retention-changed', subjectType: 'record', subjectId: record.record_id,
            detail: { why: 'component corrected', component: record.component_code, old: { retentionYears: oldYears, retainUntil: record.old_retain_until }, new: { retentionYears: newYears, retainUntil: retention.retainUntil } },
          });
        }
        return { status: 'done' as const };
      });
    },
    async giveUp() {
      // Nothing to mark: the document and the audit trail already say the corrected component; the record keeps the old one.
    },
  };
}
