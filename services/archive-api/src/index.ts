export { archiveRecordJob, type ArchiveJobDeps } from './archive.job.ts';
export { reclassifyRecordJob, type ReclassifyJobDeps } from './reclassify.job.ts';
export { loadRecord } from './record.repository.ts';
export { recordMetadata, objectMetadata } from './record-metadata.ts';
export { auditHeadJob, listAuditEvents, verifyAuditTrail, writeAuditHead, AUDIT_HEAD_CRON, BadCursor, type AuditTrailDeps, type AuditPage } from './audit.service.ts';
export { formatChainReport, type ChainReport, type ChainProblem } from './audit-chain.ts';
