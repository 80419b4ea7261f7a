export { createApp, type ApiDeps } from './app.ts';
export { archiveRecordJob, type ArchiveJobDeps } from './archive.job.ts';
export { reclassifyRecordJob, type ReclassifyJobDeps } from './reclassify.job.ts';
export { createApiToken, hashToken } from './auth.ts';
export { batchStatus, loadBatchView, loadRecord, type BatchView } from './batch-status.ts';
export { recordMetadata, objectMetadata } from './record-metadata.ts';
export { sweepSpool } from './upload-spool.ts';
