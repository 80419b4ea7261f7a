import { withTransaction, type Db, type JobHandler } from '@sohoa/shared';
import * as repo from './archive.repository.ts';
import { addRecordWords } from './search-words.repository.ts';

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
      // The new component name is searchable from the same commit: the vector is generated from the metadata.
      await withTransaction(deps.db, async (tx) => {
        await repo.reclassifyRecord(tx, record.record_id, { code: record.component_code, name: record.component_name });
        await addRecordWords(tx, [record.record_id]);
      });
      return { status: 'done' };
    },
    async giveUp() {
      // Nothing to mark: the document and the audit trail already say the corrected component; the record keeps the old one.
    },
  };
}
