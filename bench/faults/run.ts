/**
 * `npm run bench:faults [-- --kills N --seed S --outage-seconds T]`: the fault campaign of test/faults.test.ts,
 * long: at least a hundred SIGKILLs, the S3 endpoint away for 30 s and a PostgreSQL restart; results in
 * bench/results/faults.md. The run fails (exit 1) when anything was lost, duplicated or left hanging.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runFaultCampaign, type FaultCampaignOptions } from '../../test/helpers/fault-harness.ts';
import { renderFaultReport } from './report.ts';

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '100' },
    seed: { type: 'string', default: '20261202' },
    'outage-seconds': { type: 'string', default: '30' },
    note: { type: 'string', default: 'shared with other helpers\' builds and tests while it ran' },
  },
});

const options: FaultCampaignOptions = {
  seed: Number(values.seed),
  kills: Number(values.kills),
  s3OutageMs: Number(values['outage-seconds']) * 1000,
  postgresRestart: true,
  batchesInFlight: 3,
  inboxShare: 0.3,
  hangBoundMs: 300_000,
  jobTimeoutSeconds: 30,
  workerDeadSeconds: 5,
  log: (line) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`),
};
const report = await runFaultCampaign(options);
const out = path.join(import.meta.dirname, '..', 'results', 'faults.md');
await fs.writeFile(out, renderFaultReport(report, options, { load: os.loadavg(), note: values.note! }));
console.log(`lost ${report.lost}, duplicated ${report.duplicated}, hung ${report.hung}, failed ${report.failed} → ${path.relative(process.cwd(), out)}`);
if (report.lost || report.duplicated || report.hung) process.exitCode = 1;
