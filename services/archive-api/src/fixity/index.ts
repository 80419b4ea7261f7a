export { fixityRunJob, fixityDeps, type FixityJobDeps, type FixitySettings } from './fixity.job.ts';
export { runFixitySlice, checkRecord, readObject, type FixityDeps, type SignatureChecker, type SliceOutcome } from './fixity.service.ts';
export { fixityResult, throttleWaitMs, type FixityStatus, type ThrottleLimits } from './fixity-core.ts';
export { createRun, failedChecksOfRun, latestChecks, listRuns, loadRun, statusCounts, type FixityRun } from './fixity.repository.ts';
