export { archiveRecordJob, type ArchiveJobDeps } from './archive.job.ts';
export { reclassifyRecordJob, type ReclassifyJobDeps } from './reclassify.job.ts';
export { loadRecord } from './record.repository.ts';
export { recordMetadata, objectMetadata } from './record-metadata.ts';
export * as fixity from './fixity/index.ts';
