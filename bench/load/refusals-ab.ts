/**
 * node --import tsx bench/load/refusals-ab.ts [--seconds S] [--readers]: what a refused upload costs the server. The
 * queue is filled past INTAKE_QUEUE_LIMIT with unit C's own work (OCR workers off, so nothing drains), then 5
 * uploaders of unit C send one-page batches as fast as answered (each one answered 429) for S seconds; with
 * `--readers`, bench:load's 50 open-loop readers (2 reads/s each) run beside them. Prints the server process's CPU
 * and its event loop's busy time per refused upload, and the reads' latencies. Run from two checkouts (old and new
 * code) back to back to compare: the same script, the same machine minute (bench/results/load.md).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { unitRepository } from '@sohoa/shared';
import { archivePdfs, scannedLikePdf } from '../../test/helpers/archived-records.ts';
import { repoRoot, startTestStack, uploadBatch } from '../../test/helpers/stack.ts';
import { cpuWindow } from './cpu-share.ts';
import type { Fire } from './fire.ts';
import { allReads, summarize } from './report.ts';
import { fireLoad } from './spawn-fire.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '15' }, readers: { type: 'boolean' } } });
const seconds = Number(values.seconds);
const UNIT_C = '000.00.00.C01';
const stack = await startTestStack({ LOG_LEVEL: 'fatal', INTAKE_QUEUE_LIMIT: '3', INTAKE_RETRY_AFTER_SECONDS: '5' }, { workers: false });
try {
  const { db, store } = stack.runtime;
  await unitRepository.createUnit(db, { code: UNIT_C, name: 'UBND xã Tải Lên' });
  const scan = await fs.readFile(path.join(repoRoot, 'samples', 'scans', 'ks-tokhai-p1.png'));
  const filled = await uploadBatch(stack.url, stack.token, { unit: UNIT_C, procedure: 'KS' }, Array.from({ length: 4 }, (_, i) => ({ name: `p${i}.png`, bytes: scan })));
  if (filled.status !== 202) throw new Error(`the filling batch was refused: ${filled.status}`);
  const fires: Fire[] = [];
  if (values.readers) {
    const records = await archivePdfs({ db, store }, await Promise.all(Array.from({ length: 20 }, (_, i) => scannedLikePdf(`tai lieu ${i}`, 150_000))));
    fires.push(
      { kind: 'batch status', connections: 15, connectionRate: 2, paths: [`/api/v1/batches/${filled.body.id}`] },
      { kind: 'record metadata', connections: 15, connectionRate: 2, paths: records.map((id) => `/api/v1/records/${id}`) },
      { kind: 'search', connections: 10, connectionRate: 2, paths: ['/api/v1/records?q=tai%20lieu', '/api/v1/records?q=ho%20so&procedure=KS', '/api/v1/records?unit=000.00.00.H00'] },
      { kind: 'PDF download', connections: 10, connectionRate: 2, paths: records.map((id) => `/api/v1/records/${id}/pdf`) },
    );
  }
  const uploadFile = path.join(os.tmpdir(), `sohoa-refusals-${process.pid}.png`);
  await fs.writeFile(uploadFile, scan);
  fires.push({ kind: 'upload', connections: 5, paths: [], upload: { fields: { unit: UNIT_C, procedure: 'KS' }, file: uploadFile } });
  await fireLoad({ url: stack.url, token: stack.token, seconds: 2, fires: fires.filter((f) => f.kind === 'upload') }); // warm-up

  const cpu = cpuWindow();
  const used = process.cpuUsage();
  const loop = performance.eventLoopUtilization();
  const results = await fireLoad({ url: stack.url, token: stack.token, seconds, fires });
  const busy = performance.eventLoopUtilization(loop);
  const server = process.cpuUsage(used);
  const share = cpu.end();
  await fs.rm(uploadFile, { force: true });

  const uploads = results.find((r) => r.kind === 'upload')!;
  const refused = uploads.statuses['429'] ?? 0;
  const reads = results.filter((r) => r.kind !== 'upload');
  for (const s of [...results, ...(reads.length ? [allReads(reads)] : [])].map(summarize)) {
    console.log(`${s.kind.padEnd(16)} ${(s.requests / seconds).toFixed(1).padStart(6)}/s  p50 ${s.p50.toFixed(0)}  p95 ${s.p95.toFixed(0)}  p99 ${s.p99.toFixed(0)} ms  5xx ${s.s5xx}`);
  }
  const all = results.reduce((n, r) => n + r.latenciesMs.length, 0);
  console.log(`refused uploads ${refused} of ${uploads.latenciesMs.length} (${uploads.retryAfterMissing} without Retry-After)`);
  console.log(`server CPU ${((server.user + server.system) / 1000).toFixed(0)} ms = ${((server.user + server.system) / 1000 / all).toFixed(2)} ms a request; event loop busy ${busy.active.toFixed(0)} ms = ${(busy.active / all).toFixed(2)} ms a request (${(busy.utilization * 100).toFixed(0)} %)`);
  console.log(`other processes ${(share.othersShare * 100).toFixed(1)} % of the machine, this tree ${(share.ownShare * 100).toFixed(1)} %`);
} finally {
  await stack.stop();
}
