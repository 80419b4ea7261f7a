import os from 'node:os';
import { PHASES, type FaultCampaignOptions, type FaultReport } from '../../test/helpers/fault-harness.ts';

const seconds = (ms: number) => (ms / 1000).toFixed(1);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

/** bench/results/faults.md from a campaign's report. */
export function renderFaultReport(report: FaultReport, options: FaultCampaignOptions, machine: { load: number[]; note: string }): string {
  const restarts = report.kills.map((k) => k.restartMs).sort((a, b) => a - b);
  const interrupted = new Map<string, number>();
  for (const k of report.kills) for (const name of k.interrupted) interrupted.set(name, (interrupted.get(name) ?? 0) + 1);
  const verdict = report.lost === 0 && report.duplicated === 0 && report.hung === 0 ? 'PASS' : 'FAIL';
  const lines = [
    '# Faults: SIGKILL, an S3 outage and a PostgreSQL restart',
    '',
    `\`npm run bench:faults\` (${new Date().toISOString().slice(0, 10)}, seed ${report.seed}): ${verdict}, lost / duplicated / hung = ` +
      `**${report.lost} / ${report.duplicated} / ${report.hung}** after ${report.kills.length} kills, ${seconds(options.s3OutageMs)} s without S3 ` +
      `and ${report.postgresRestartMs === null ? 'no' : 'a'} PostgreSQL restart; ${report.failed} batch(es) ended with a failure listed.`,
    '',
    `Machine: ${os.cpus().length} cores, ${machine.note}; load average ${machine.load.map((l) => l.toFixed(1)).join(' / ')} (1/5/15 min) at the end. ` +
      'Times are wall-clock on that shared machine, not a speed claim.',
    '',
    'How: PostgreSQL and S3 run in the bench process (embedded), each behind a TCP gate; `sohoa start` runs as a child with ' +
      `OCR_WORKERS=1, JOB_TIMEOUT_SECONDS=${options.jobTimeoutSeconds}, WORKER_DEAD_SECONDS=${options.workerDeadSeconds}, and is killed with SIGKILL, ` +
      'then started again. sohoa is given the bench\'s PostgreSQL (DATABASE_URL), so it is not the sole worker of its database: the jobs a killed ' +
      'process held come back once its heartbeat is WORKER_DEAD_SECONDS old, at start-up or at the next sweep. Each kill\'s phase comes from a seeded shuffle of the five phases per round; the moment is ' +
      'drawn within the phase: once the phase\'s job is active in `pgboss.job` (started by the live process), after a random share ' +
      'of that job kind\'s median run time, or, for uploads, a random share of the median answer time after the request was sent. ' +
      'Half the archiving kills come after the record\'s object was stored and before the writer heard so (an S3 proxy holds the answer). ' +
      `New batches (one page each: \`ks-tokhai-p1.png\`, \`skewed-seal.jpg\`) are sent while fewer than ${options.batchesInFlight} are unfinished, ` +
      `${Math.round(options.inboxShare * 100)} % of them dropped into the hot folder \`data/inbox/000.00.00.H00/<procedure>/\`.`,
    '',
    '## Kills',
    '',
    '| phase | kills | in the phase | moment |',
    '|---|---:|---:|---|',
    ...PHASES.map((phase) => {
      const of = report.kills.filter((k) => k.phase === phase);
      const moment = phase === 'upload' ? 'request sent, answer not yet received' : phase === 'archive'
        ? `${of.filter((k) => k.afterStore).length} after the object was stored, the rest at random in the job`
        : 'at random in the job';
      return `| ${phase} | ${of.length} | ${of.filter((k) => k.inPhase).length} | ${moment} |`;
    }),
    `| **all** | **${report.kills.length}** | **${report.kills.filter((k) => k.inPhase).length}** | |`,
    '',
    `"In the phase": the phase's job was still active (or the upload still unanswered) when the process died. Jobs the dead ` +
      `processes held: ${[...interrupted].sort().map(([n, c]) => `${n} ${c}`).join(', ')}.`,
    '',
    `Restart (kill → \`sohoa is running\`): min ${seconds(restarts[0] ?? 0)} s, median ${seconds(percentile(restarts, 0.5))} s, ` +
      `p90 ${seconds(percentile(restarts, 0.9))} s, max ${seconds(restarts.at(-1) ?? 0)} s.`,
    '',
    '## Outcome',
    '',
    '| | count |',
    '|---|---:|',
    `| batches | ${report.batches} |`,
    `| uploads sent (attempts) / answer cut by a kill / refused (S3 away) | ${report.uploads.sent} / ${report.uploads.cut} / ${report.uploads.refused} |`,
    `| cut uploads whose retry made a second batch (see below) | ${report.doubledByRetry} |`,
    `| hot-folder files dropped / left in the folder | ${report.inboxFiles} / ${report.leftInInbox.length} |`,
    `| pages with content | ${report.pages} |`,
    `| documents | ${report.documents} |`,
    `| records rows | ${report.records} |`,
    `| objects under records/ | ${report.objects} |`,
    `| **lost / duplicated / hung** | **${report.lost} / ${report.duplicated} / ${report.hung}** |`,
    `| batches ended with a failure listed | ${report.failed} |`,
    `| sohoa ended on its own (started again, as a supervisor would) | ${report.unexpectedExits.length} |`,
    `| S3 outage | ${report.s3Outage ? `${seconds(report.s3Outage.ms)} s, ${report.s3Outage.refusedUploads} upload refused meanwhile and sent again` : 'none'} |`,
    `| PostgreSQL restart | ${report.postgresRestartMs === null ? 'none' : `down ${seconds(report.postgresRestartMs)} s`} |`,
    `| total time | ${(report.totalMs / 60_000).toFixed(1)} min |`,
    '',
    'Exactly once, as the audit (`test/helpers/fault-audit.ts`) holds it: every page with content is in exactly one archived ' +
      'document, every archived document has exactly one `records` row, every row exactly one object under `records/` and no ' +
      'object is stray; every batch ends within the bound with the records its paper gives and no failure; every hot-folder file ' +
      'made exactly one batch. An upload whose answer a kill cut is sent again by the client with the same dossier code: if the ' +
      'kill came after the commit, the dossier then holds two batches of the same papers, each archived once (the API has no ' +
      'idempotency key: at-least-once at the edge, exactly once per accepted batch); never none, never more than the attempts.',
    '',
  ];
  if (report.unexpectedExits.length) {
    lines.push('## sohoa ending on its own', '', 'Last error line of each:', '');
    for (const exit of report.unexpectedExits) lines.push(`- ${firstErrorLine(exit)}`);
    lines.push('');
  }
  if (report.problems.length) lines.push('## Problems found', '', ...report.problems.map((p) => `- ${p}`), '');
  return lines.join('\n');
}

function firstErrorLine(output: string): string {
  const lines = output.split('\n').map((l) => l.trim());
  const error = lines.find((l) => /^\w*Error: /.test(l)) ?? lines.filter(Boolean).at(-1) ?? '';
  const frame = lines.find((l) => l.startsWith('at ') && l.includes('pg-boss')); // who let it go unhandled
  return `\`${error.slice(0, 200)}\`${frame ? ` (\`${frame.slice(0, 160)}\`)` : ''}`;
}
