export { splitBatchJob, type SplitJobDeps } from './split.job.ts';
