export { archiveRecordJob, type ArchiveJobDeps } from './archive.job.ts';
export { recordMetadata, objectMetadata } from './record-metadata.ts';
