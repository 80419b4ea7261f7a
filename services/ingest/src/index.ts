export { admitBatch, receiveBatch, safeName, type IncomingFile, type ReceiveBatchOptions, type IngestDeps } from './batch.service.ts';
export { splitFileJob, type SplitDeps } from './split.job.ts';
export { watchInbox, takeInboxFile, registerInboxFile, type InboxOptions, type InboxWatcher } from './inbox.ts';
export { listQuarantined, findQuarantined, type QuarantinedView } from './quarantine.repository.ts';
export { scanThreads, type ScanThreads, type ScanThreadSettings } from './scan-thread.ts';
export { readScan, detectScanFormat, ScanRejected, type ScanPage, type ScanReaderOptions } from './scan-reader.ts';
