/**
 * npm run bench:load [-- --seconds S --limit L --junk J --pages P]: the embedded default under many clients at once.
 *  1. idle: a one-page batch of unit B from upload to archived record on an idle queue, then the readers alone for a
 *     few seconds (the peer of the loaded run), twice: an open loop (each reader at READ_RATE reads/s, the goal is
 *     judged on it) and a closed loop (each reader's next request when the last is answered: the saturation);
 *  2. unit A hands in a huge batch (J junk files and P real one-page scans);
 *  3. for S seconds: 50 readers (batch status, record metadata, search, PDF download) at READ_RATE each (open loop)
 *     and 5 uploaders of unit C (one-page batches, against INTAKE_QUEUE_LIMIT = L, which A's batch alone passes), in
 *     a process of their own (fire.ts, autocannon); OCR runs throughout. Meanwhile unit B's one-page batch again,
 *     timed from upload to archived while A's batch runs: B has nothing waiting, so back-pressure lets it in and
 *     fair shares put it first;
 *  4. for S seconds more: the same with the readers in a closed loop (the saturation under load).
 * Results in bench/results/load.md, and the measurements in bench/results/load.json (`-- --render` writes the
 * report again from them).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { intakeDepth, unitRepository } from '@sohoa/shared';
import { archivePdfs, scannedLikePdf } from '../../test/helpers/archived-records.ts';
import { getJson, repoRoot, startTestStack, uploadBatch, waitForBatch, type TestStack } from '../../test/helpers/stack.ts';
import { cpuWindow } from './cpu-share.ts';
import type { Fire } from './fire.ts';
import { fireLoad } from './spawn-fire.ts';
import { renderLoadReport, withKeptNotes, type LoadReport } from './report.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' }, idle: { type: 'string', default: '10' }, limit: { type: 'string', default: '60' },
    junk: { type: 'string', default: '300' }, pages: { type: 'string', default: '40' }, out: { type: 'string' },
    /** Each reader's reads per second in the open-loop runs (bench/results/load.md says why 2). */
    rate: { type: 'string', default: '2' },
    /** Writes the report again from the measurements a run kept (bench/results/load.json), without measuring. */
    render: { type: 'boolean' },
  },
});
const resultsDir = path.join(repoRoot, 'bench', 'results');
if (values.render) {
  const kept = JSON.parse(await fs.readFile(path.join(resultsDir, 'load.json'), 'utf8')) as LoadReport;
  const out = values.out ? path.resolve(values.out) : path.join(resultsDir, 'load.md');
  await fs.writeFile(out, withKeptNotes(renderLoadReport(kept), await fs.readFile(out, 'utf8').catch(() => null)));
  process.exit(0);
}
const seconds = Number(values.seconds);
const limit = Number(values.limit);
const junk = Number(values.junk);
const bigPages = Number(values.pages);
const readRate = Number(values.rate);
const log = (line: string) => console.log(`[bench:load] ${line}`);

const UNIT_A = '000.00.00.A01'; // the huge batch
const UNIT_B = '000.00.00.H00'; // the small batch (the demo unit, with its signing certificate)
const UNIT_C = '000.00.00.C01'; // the five uploaders
const scanPath = path.join(repoRoot, 'samples', 'scans', 'ks-tokhai-p1.png');

/** The readers' plan: 50 connections over the four kinds of reads; with a rate, each reads at that pace (open loop). */
function readers(ids: { batches: string[]; records: string[] }, connectionRate?: number): Fire[] {
  const fires: Fire[] = [
    { kind: 'batch status', connections: 15, paths: ids.batches.map((id) => `/api/v1/batches/${id}`) },
    { kind: 'record metadata', connections: 15, paths: ids.records.map((id) => `/api/v1/records/${id}`) },
    { kind: 'search', connections: 10, paths: ['/api/v1/records?q=tai%20lieu', '/api/v1/records?q=ho%20so&procedure=KS', '/api/v1/records?unit=000.00.00.H00'] },
    { kind: 'PDF download', connections: 10, paths: ids.records.map((id) => `/api/v1/records/${id}/pdf`) },
  ];
  return connectionRate ? fires.map((f) => ({ ...f, connectionRate })) : fires;
}

async function timeSmallBatch(stack: TestStack, scan: Buffer): Promise<{ ms: number; id: string; status: string }> {
  const started = performance.now();
  const up = await uploadBatch(stack.url, stack.token, { unit: UNIT_B, procedure: 'KS' }, [{ name: 'to-khai.png', bytes: scan }]);
  if (up.status !== 202) throw new Error(`small batch refused: ${up.status} ${JSON.stringify(up.body)}`);
  const view = await waitForBatch(stack.url, stack.token, up.body.id, 900_000);
  return { ms: performance.now() - started, id: up.body.id, status: view.status };
}

const stack = await startTestStack({ OCR_WORKERS: '2', INTAKE_QUEUE_LIMIT: String(limit), INTAKE_RETRY_AFTER_SECONDS: '5', LOG_LEVEL: 'error' });
try {
  const { db, store } = stack.runtime;
  await unitRepository.createUnit(db, { code: UNIT_A, name: 'UBND xã Một Lô Lớn' });
  await unitRepository.createUnit(db, { code: UNIT_C, name: 'UBND xã Tải Lên' });
  const scan = await fs.readFile(scanPath);

  log('seeding 20 records to read');
  const pdfs = await Promise.all(Array.from({ length: 20 }, (_, i) => scannedLikePdf(`tai lieu ${i}`, 150_000)));
  const records = await archivePdfs({ db, store }, pdfs);

  log('idle: one-page batch of unit B');
  const idleSmall = await timeSmallBatch(stack, scan);
  log(`idle: readers alone for ${values.idle} s at ${readRate} reads/s each (open loop)`);
  const idleOpenCpu = cpuWindow();
  const idleOpen = await fireLoad({ url: stack.url, token: stack.token, seconds: Number(values.idle), fires: readers({ batches: [idleSmall.id], records }, readRate) });
  const idleOpenShare = idleOpenCpu.end();
  log(`idle: readers alone for ${values.idle} s (closed loop)`);
  const idleCpu = cpuWindow();
  const idleReads = await fireLoad({ url: stack.url, token: stack.token, seconds: Number(values.idle), fires: readers({ batches: [idleSmall.id], records }) });
  const idleShare = idleCpu.end();

  log(`unit A hands in ${junk} junk files and ${bigPages} scans`);
  const junkFiles = Array.from({ length: junk }, (_, i) => ({ name: `rac-${i + 1}.tif`, bytes: randomBytes(4096 + (i % 7) * 1024) }));
  const bigUpload = await uploadBatch(stack.url, stack.token, { unit: UNIT_A, procedure: 'KS' },
    [...junkFiles, ...Array.from({ length: bigPages }, (_, i) => ({ name: `to-khai-${i + 1}.png`, bytes: scan }))]);
  if (bigUpload.status !== 202) throw new Error(`big batch refused: ${bigUpload.status} ${JSON.stringify(bigUpload.body)}`);
  const bigId: string = bigUpload.body.id;

  log(`load: 50 readers at ${readRate} reads/s each (open loop) and 5 uploaders for ${seconds} s`);
  const depths: number[] = [];
  let peakRssMb = 0;
  const sampler = setInterval(() => {
    intakeDepth(db).then((d) => depths.push(d), () => {});
    peakRssMb = Math.max(peakRssMb, process.memoryUsage().rss / 2 ** 20);
  }, 1000);
  const uploadFile = path.join(os.tmpdir(), `sohoa-load-${process.pid}.png`);
  await fs.writeFile(uploadFile, scan);
  const uploaders: Fire = { kind: 'upload', connections: 5, paths: [], upload: { fields: { unit: UNIT_C, procedure: 'KS' }, file: uploadFile } };
  const openCpu = cpuWindow();
  const loaded = fireLoad({ url: stack.url, token: stack.token, seconds, fires: [...readers({ batches: [idleSmall.id, bigId], records }, readRate), uploaders] });
  await new Promise((r) => setTimeout(r, 2000)); // the load under way
  const busySmall = timeSmallBatch(stack, scan).then(async (small) => {
    const big = await getJson(`${stack.url}/api/v1/batches/${bigId}`, stack.token);
    const { rows: [waiting] } = await db.query<{ files: number; pages: number }>(
      `SELECT (SELECT count(*)::int FROM batch_files WHERE batch_id = $1 AND status = 'received') AS files,
              (SELECT count(*)::int FROM pages WHERE batch_id = $1 AND status = 'pending') AS pages`, [bigId]);
    return { ...small, bigStatus: big.status as string, bigFilesWaiting: waiting!.files, bigPagesWaiting: waiting!.pages };
  });
  const openResults = await loaded;
  const openShare = openCpu.end();
  log(`load: 50 readers (closed loop) and 5 uploaders for ${seconds} s`);
  const loadCpu = cpuWindow();
  const loadResults = await fireLoad({ url: stack.url, token: stack.token, seconds, fires: [...readers({ batches: [idleSmall.id, bigId], records }), uploaders] });
  const loadShare = loadCpu.end();
  log('load over; waiting for the small batch of unit B');
  const small = await busySmall;
  clearInterval(sampler);
  await fs.rm(uploadFile, { force: true });

  const report: LoadReport = {
    date: new Date().toISOString().slice(0, 10), seconds, idleSeconds: Number(values.idle), limit, junk, bigPages, readRate,
    cpu: { model: os.cpus()[0]?.model ?? 'unknown', cores: os.availableParallelism(), memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    idle: { reads: idleReads, othersShare: idleShare.othersShare },
    idleOpen: { reads: idleOpen, othersShare: idleOpenShare.othersShare },
    open: { results: openResults, othersShare: openShare.othersShare, ownShare: openShare.ownShare },
    load: { results: loadResults, othersShare: loadShare.othersShare, ownShare: loadShare.ownShare, maxDepth: Math.max(0, ...depths), peakRssMb: Math.round(peakRssMb) },
    small: { idleMs: idleSmall.ms, idleStatus: idleSmall.status, busyMs: small.ms, busyStatus: small.status, bigStatus: small.bigStatus, bigFilesWaiting: small.bigFilesWaiting, bigPagesWaiting: small.bigPagesWaiting },
  };
  const out = values.out ? path.resolve(values.out) : path.join(resultsDir, 'load.md');
  const md = withKeptNotes(renderLoadReport(report), await fs.readFile(out, 'utf8').catch(() => null));
  await fs.writeFile(out, md);
  if (!values.out) await fs.writeFile(path.join(resultsDir, 'load.json'), `${JSON.stringify(report)}\n`); // for --render
  console.log(md);
  log(`written to ${out}`);
} finally {
  await stack.stop();
}
