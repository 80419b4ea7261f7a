/**
 * `npm run bench:hostile [-- --seed S --count N]`: 200+ hostile files (test/helpers/hostile-files.ts, seeded)
 * through the upload API and the hot folder of the embedded default, mixed with good scans; results in
 * bench/results/hostile.md. Also, in the same run, the event loop's longest stall while a 3600 × 3600 pt PDF page is
 * rasterized on the main thread (the peer: how it was) and in a scan thread (how it is). Fails (exit 1) on any
 * violation: a bad file not quarantined with a reason in words, a good file not a record, /healthz failing, the
 * peak memory over the bound, or a file written outside the data folder.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readScan, scanThreads } from '../../services/ingest/src/index.ts';
import { runHostileCampaign, violations, type CampaignReport } from '../../test/helpers/hostile-campaign.ts';
import { HOSTILE_SEED, hostileFiles, pdfPageOf } from '../../test/helpers/hostile-files.ts';
import { repoRoot, startTestStack } from '../../test/helpers/stack.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: String(HOSTILE_SEED) },
    count: { type: 'string', default: '300' },
    'memory-bound-mb': { type: 'string', default: '2048' },
    note: { type: 'string', default: "shared with other helpers' builds and tests while it ran" },
  },
});
const seed = Number(values.seed);
const boundMb = Number(values['memory-bound-mb']);
const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

/** The process's peak resident memory so far (VmHWM), in MB. */
async function peakRssMb(): Promise<number> {
  const status = await fs.readFile('/proc/self/status', 'utf8');
  return Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024);
}

/** The event loop's longest stall while `work` runs, by a 20 ms timer. */
async function longestStall(work: () => Promise<unknown>): Promise<{ stallMs: number; ms: number }> {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - 20);
    last = now;
  }, 20);
  const started = performance.now();
  await work().catch(() => {});
  const ms = performance.now() - started;
  clearInterval(timer);
  return { stallMs: Math.round(worst), ms: Math.round(ms) };
}

// 1. The big page, main thread against a scan thread (before the server starts: nothing else on the loop).
const bigPage = await pdfPageOf(3600);
log('rasterizing a 3600 × 3600 pt page on the main thread, then in a scan thread');
const onMain = await longestStall(() => readScan(bigPage));
const threads = scanThreads({ threads: 1 });
const inThread = await longestStall(() => threads.read(bigPage));
await threads.close();
log(`main thread: longest stall ${onMain.stallMs} ms; scan thread: ${inThread.stallMs} ms`);

// 2. The campaign against the embedded default.
const hostile = await hostileFiles(seed, Number(values.count));
if (hostile.length < 200) throw new Error(`only ${hostile.length} hostile files were made`);
const good = [
  { name: 'Tờ khai.png', bytes: await fs.readFile(path.join(repoRoot, 'samples', 'scans', 'ks-tokhai-p1.png')) },
  { name: 'hồ sơ.tif', bytes: await fs.readFile(path.join(repoRoot, 'samples', 'scans', 'dossier-ks.tif')) },
];
const stack = await startTestStack({ OCR_WORKERS: '2', LOG_LEVEL: 'error' });
const parent = path.dirname(stack.dataDir);
const before = new Set(await fs.readdir(parent));
let sampledMb = 0;
const sampler = setInterval(() => void (sampledMb = Math.max(sampledMb, Math.round(process.memoryUsage().rss / 1048576))), 500);
let report: CampaignReport;
let escaped: string[] = [];
try {
  report = await runHostileCampaign({
    url: stack.url, token: stack.token, db: stack.runtime.db, inboxDir: path.join(stack.dataDir, 'inbox'), unit: '000.00.00.H00',
    hostile, good, batchSize: 12, settleTimeoutMs: 1_500_000, log,
  });
  const added = (await fs.readdir(parent)).filter((name) => !before.has(name));
  escaped = added.filter((name) => /escape|windows|etc|passwd/i.test(name));
  const keys = await stack.runtime.store.list('');
  escaped.push(...keys.filter((key) => key.split('/').some((part) => part === '..' || part === '.')));
} finally {
  clearInterval(sampler);
  await stack.stop();
}
const peakMb = await peakRssMb();
const problems = violations(report);
if (peakMb > boundMb) problems.push(`peak resident memory ${peakMb} MB, over the bound of ${boundMb} MB`);
for (const e of escaped) problems.push(`written outside the data folder, or a key with "..": ${e}`);

// 3. The results file.
const rows = new Map<string, Record<string, number>>();
for (const o of report.outcomes) {
  const kind = o.kind.replace(/\d+(\.\d+)?/g, 'N');
  const row = rows.get(kind) ?? {};
  row[`${o.route}: ${o.expect === 'record' ? (o.record ? 'record' : o.result) : o.result}`] = (row[`${o.route}: ${o.expect === 'record' ? (o.record ? 'record' : o.result) : o.result}`] ?? 0) + 1;
  rows.set(kind, row);
}
const columns = [...new Set([...rows.values()].flatMap((r) => Object.keys(r)))].sort();
const reasons = new Map<string, number>();
for (const o of report.outcomes) if (o.result === 'quarantined' || o.result === 'refused') reasons.set(o.reason!.replace(/\d+/g, 'N').slice(0, 120), (reasons.get(o.reason!.replace(/\d+/g, 'N').slice(0, 120)) ?? 0) + 1);
const hostileCount = report.outcomes.filter((o) => o.expect !== 'record').length;
const goodOutcomes = report.outcomes.filter((o) => o.expect === 'record');
const md = `# Hostile input, by the hundred (issue 13)

\`npm run bench:hostile\` (bench/hostile/run.ts): ${hostileCount} hostile files made by seeded mutation of valid TIFF, JPEG, PNG and
PDF samples (seed ${seed}: \`hostileFiles(${seed}, ${values.count})[index]\` in test/helpers/hostile-files.ts makes any one again),
sent through the upload API and the hot folder of the embedded default (embedded PostgreSQL and S3, 2 OCR workers, API and
hot folder in the bench's process), mixed with ${goodOutcomes.length} good scans. ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores,
load average ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} at the end: ${values.note}.

## Against the goals

| goal | measured | met |
|---|---|---|
| the server never dies | /healthz answered ${report.health.polls - report.health.failures} of ${report.health.polls} polls (every 250 ms), p95 ${report.health.p95Ms} ms, longest ${report.health.maxMs} ms | ${report.health.failures === 0 ? 'yes' : 'no'} |
| peak memory under ${boundMb} MB | ${peakMb} MB peak resident (VmHWM of the process: server, workers, scan threads, and the bench's own files) | ${peakMb <= boundMb ? 'yes' : 'no'} |
| every bad file quarantined with a reason in words | ${report.outcomes.filter((o) => o.expect === 'quarantine' && (o.result === 'quarantined' || o.result === 'refused')).length} of ${report.outcomes.filter((o) => o.expect === 'quarantine').length} that no reader may take; of the ${report.outcomes.filter((o) => o.expect === 'either').length} that may still be readable (a flipped bit in pixel data, a PDF with JavaScript), ${report.outcomes.filter((o) => o.expect === 'either' && o.result === 'split').length} were taken as pages and ${report.outcomes.filter((o) => o.expect === 'either' && o.result === 'quarantined').length} quarantined; none failed or hung | ${problems.filter((p) => !/good file|healthz|memory|outside/.test(p)).length === 0 ? 'yes' : 'no'} |
| every good file becomes a record | ${goodOutcomes.filter((o) => o.record).length} of ${goodOutcomes.length} | ${goodOutcomes.every((o) => o.record) ? 'yes' : 'no'} |
| nothing written outside the data folder | ${escaped.length === 0 ? 'nothing new beside it with a hostile name, no object key with ".." or "."' : escaped.join(', ')} | ${escaped.length === 0 ? 'yes' : 'no'} |

The whole campaign took ${Math.round(report.elapsedMs / 1000)} s.

## Off the event loop: a 3600 × 3600 pt PDF page (10000 × 10000 px at 200 dpi), in the same run

| where the page is rasterized | took | longest event-loop stall |
|---|---|---|
| the main thread (the peer: how it was) | ${onMain.ms} ms | ${onMain.stallMs} ms |
| a scan thread (services/ingest/src/scan-thread.ts) | ${inThread.ms} ms | ${inThread.stallMs} ms |

## What became of each kind

| kind | ${columns.join(' | ')} |
|---|${columns.map(() => '---').join('|')}|
${[...rows.entries()].map(([kind, row]) => `| ${kind} | ${columns.map((c) => row[c] ?? '').join(' | ')} |`).join('\n')}

"refused": the upload itself was answered 4xx with a reason (a name no file can have, such as one with a NUL).

## Reasons given (numbers as N)

| reason | files |
|---|---|
${[...reasons.entries()].sort((a, b) => b[1] - a[1]).map(([r, n]) => `| ${r.replace(/\|/g, '\\|')} | ${n} |`).join('\n')}

## Violations

${problems.length === 0 ? 'None.' : problems.map((p) => `- ${p}`).join('\n')}
`;
const out = path.join(import.meta.dirname, '..', 'results', 'hostile.md');
await fs.writeFile(out, md);
console.log(`${problems.length} violations → ${path.relative(process.cwd(), out)}`);
if (problems.length) process.exitCode = 1;
process.exit();
