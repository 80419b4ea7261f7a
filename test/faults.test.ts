import { describe, expect, it } from 'vitest';
import { PHASES, runFaultCampaign, type FaultReport } from './helpers/fault-harness.ts';

/**
 * The fault campaign of `npm run bench:faults`, short: small batches by upload and hot folder while `sohoa start`
 * is killed with SIGKILL once in each phase (an upload being answered, a page being read, a batch being split, a
 * document being signed, one being archived), then the S3 endpoint goes away for 8 s and PostgreSQL restarts.
 * Nothing may be lost, archived twice or left hanging (what "exactly once" means: test/helpers/fault-audit.ts).
 */
describe('faults: kills, an S3 outage and a PostgreSQL restart', () => {
  it('loses no page, archives each once, leaves no batch hanging and takes each hot-folder file once', async () => {
    const report: FaultReport = await runFaultCampaign({
      seed: 20261202,
      kills: PHASES.length,
      s3OutageMs: 8_000,
      postgresRestart: true,
      batchesInFlight: 2,
      inboxShare: 0.3,
      hangBoundMs: 90_000,
      jobTimeoutSeconds: 30,
      workerDeadSeconds: 5,
      log: (line) => console.log(`faults: ${line}`),
    });
    console.log(`faults: ${report.kills.length} kills, ${report.batches} batches, ${report.pages} pages, ${report.records} records, ${report.objects} objects; lost ${report.lost}, duplicated ${report.duplicated}, hung ${report.hung}, failed ${report.failed}; ${report.unexpectedExits.length} exits on their own; ${(report.totalMs / 1000).toFixed(0)} s`);
    expect(report.auditCatchesStray).toBe(true);
    expect(report.problems).toEqual([]);
    expect({ lost: report.lost, duplicated: report.duplicated, hung: report.hung, failed: report.failed }).toEqual({ lost: 0, duplicated: 0, hung: 0, failed: 0 });
    expect(report.kills.length).toBeGreaterThanOrEqual(PHASES.length); // a phase that had ended when the kill came is tried again
    for (const phase of PHASES) expect(report.kills.filter((k) => k.phase === phase && k.inPhase), phase).not.toHaveLength(0);
    expect(report.records).toBe(report.objects);
    expect(report.records).toBeGreaterThanOrEqual(report.batches); // every batch is one page with content: one record at least
    expect(report.inboxFiles).toBeGreaterThan(0);
    expect(report.leftInInbox).toEqual([]);
    expect(report.s3Outage!.refusedUploads).toBe(1); // the upload sent while S3 was away was refused, then sent again
  }, 600_000); // about 3 minutes on an idle 2-core machine; restarts take several times longer on a loaded one
});
