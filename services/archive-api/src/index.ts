export { archiveRecordJob, type ArchiveJobDeps } from './archive.job.ts';
export { reclassifyRecordJob, type ReclassifyJobDeps } from './reclassify.job.ts';
export { loadRecord } from './record.repository.ts';
export { recordMetadata, objectMetadata } from './record-metadata.ts';
export { recordRetention, retentionEnded, vietnamDate, type RecordRetention, type RetentionInput } from './retention.ts';
export { fileClosed } from './file-closing.ts';
export { objectLockFor, defaultLockSettings, type LockSettings } from './object-lock.ts';
export { assertRecordObjectMayChange, guardedRecordFacts, objectChangeRefusal, recordObjectGuard, type GuardedRecordFacts, type ObjectChange, type Refusal } from './record-guard.ts';
export * as holds from './holds.service.ts';
