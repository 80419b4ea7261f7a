export { archiveRecordJob, type ArchiveJobDeps } from './archive.job.ts';
export { reclassifyRecordJob, type ReclassifyJobDeps } from './reclassify.job.ts';
export { loadRecord } from './record.repository.ts';
export { recordMetadata, objectMetadata } from './record-metadata.ts';
export { auditHeadJob, listAuditEvents, verifyAuditTrail, writeAuditHead, AUDIT_HEAD_CRON, BadCursor, type AuditTrailDeps, type AuditPage } from './audit.service.ts';
export { formatChainReport, type ChainReport, type ChainProblem } from './audit-chain.ts';
export * from './description.ts';
export * from './description-export.ts';
export { writeBag, tagFiles, BagPayloadMismatch, type BagPayloadFile, type BagTagInfo, type WrittenBag } from './bagit.ts';
export {
  fileDossier, fileView, fileHistory, fondsView, describedFile, editFile, editDocument, documentDescriptions, type FileView, type ClosedBecause,
} from './archival-file.service.ts';
export { dossierByCode, unitByCode, recordsToDescribe } from './description.repository.ts';
export { exportBagJob, recordBag, requestExport, exportObjectKey, loadExport, type ExportDeps } from './export.service.ts';
export type { ExportKind, ExportSubject, ExportRow } from './export.repository.ts';
export { recordRetention, retentionEnded, vietnamDate, type RecordRetention, type RetentionInput } from './retention.ts';
export { fileClosed } from './file-closing.ts';
export { objectLockFor, defaultLockSettings, type LockSettings } from './object-lock.ts';
export { assertRecordObjectMayChange, guardedRecordFacts, objectChangeRefusal, recordObjectGuard, type GuardedRecordFacts, type ObjectChange, type Refusal } from './record-guard.ts';
export * as legalHolds from './holds.service.ts';
export * as disposition from './disposition.service.ts';
export { dispositionExecuteJob, dispositionScanJob, type DispositionJobDeps } from './disposition.job.ts';
export { buildDispositionMinute, type MinuteContent, type MinuteItem } from './disposition-minute.ts';
export * as fixity from './fixity/index.ts';
export { searchRecords, searchRecordIds, TooManyResults, DEFAULT_CANDIDATE_CAP, type SearchOptions, type SearchFilters, type SearchResult, type SearchItem, type SearchFacets } from './search.repository.ts';
export { parseQuery, fold, tsQueries, type Term } from './search-query.ts';
export { addAllRecordWords } from './search-words.repository.ts';
export { saveSearch, savedSearches, deleteSavedSearch, type SavedSearch } from './saved-search.repository.ts';
export { recordExtendJob, extendRecord, sendDueExtensions, type LtvDeps, type LtvSettings } from './ltv/ltv.service.ts';
export { ltvDue, type LtvAction, type LtvState } from './ltv/ltv-due.ts';
/** The records writer's one way to give a record a new object version (record.extend; tests simulate an extension with it). */
export { appendRecordVersion, type NewRecordVersion } from './archive.repository.ts';
export { recordReuses, type RecordReuse } from './reuse.repository.ts';
export {
  lookupResults, reuseDownload, dossierCompleteness, attachReused, signatureChecker, signatureStatusOf, reusePdfPath,
  type ReuseDeps, type Reuser, type ReuseQuery, type ReuseResult, type SignatureChecker, type SignatureStatus, type VerifyPdf,
  type DossierCompleteness, type CompletenessCaller,
} from './reuse.service.ts';
export { digitizationRateReport, MAX_REPORT_ROWS, type DigitizationQuery, type DigitizationReport } from './reports/digitization-rate.service.ts';
export { groupings as digitizationGroupings, type GroupBy, type ReportRow as DigitizationRow } from './reports/digitization-rate.ts';
export { digitizationCsv, SHEET_HEADINGS, MET_WORDS, UNKNOWN_PROCEDURE } from './reports/digitization-rate-export.ts';
export { pipelineStatus, PIPELINE_HOURS } from './reports/pipeline.service.ts';
export { pipelineStages, type PipelineRow, type PipelineStage } from './reports/pipeline.ts';
