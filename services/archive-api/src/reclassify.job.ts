import { withTransaction, type Db, type JobHandler } from '@sohoa/shared';
import { recordArchived } from './archival-file.service.ts';
import * as repo from './archive.repository.ts';

export interface ReclassifyJobDeps { db: Db }

/**
 * record.reclassify: a clerk corrected the component of a document already archived. The record belongs to this
 * stage, so the correction (upstream, in matching) only asks for it; the record's metadata takes the document's
 * component as it is when the job runs, so a rerun or a second correction in between ends the same.
 */
export function reclassifyRecordJob(deps: ReclassifyJobDeps): JobHandler<'record.reclassify'> {
  return {
    async run({ documentId }) {
      const record = await repo.recordToReclassify(deps.db, documentId);
      if (!record) return { status: 'skipped', reason: 'the document has no record' };
      await withTransaction(deps.db, async (tx) => {
        await repo.reclassifyRecord(tx, record.record_id, { code: record.component_code, name: record.component_name });
        // A filed record's document description follows the corrected component (the archivist's edits stay).
        await recordArchived(tx, { dossierId: record.dossier_id, isResult: false, at: new Date() });
      });
      return { status: 'done' };
    },
    async giveUp() {
      // Nothing to mark: the document and the audit trail already say the corrected component; the record keeps the old one.
    },
  };
}
