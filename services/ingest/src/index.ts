export { receiveBatch, safeName, type IncomingFile, type ReceiveBatchOptions, type IngestDeps } from './batch.service.ts';
export { splitFileJob, type SplitDeps } from './split.job.ts';
export { watchInbox, type InboxOptions } from './inbox.ts';
export { readScan, detectScanFormat, ScanRejected, type ScanPage, type ScanReaderOptions } from './scan-reader.ts';
