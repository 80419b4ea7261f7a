/**
 * `npm run bench:audit`: what the audit chain costs a batch upload. POST /api/v1/batches (one 1-page PNG, no
 * workers, so the answer is the upload's own work: spool, object store, one transaction with the batch, files,
 * jobs and its audit row) measured with the chain's link trigger on and off, in alternating rounds, sequentially
 * and with several uploads at once; then the chain verified. Results in bench/results/audit.md.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { recordAudit } from '@sohoa/shared';
import { verifyAuditTrail } from '@sohoa/archive-api';
import { startOwnServices, stopOwnServices } from '../../test/helpers/own-services.ts';
import { repoRoot, startTestStack, uploadBatch } from '../../test/helpers/stack.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 4);
const PER_ROUND = Number(process.env.PER_ROUND ?? 40);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);

const services = await startOwnServices('sohoa-bench-audit-');
const stack = await startTestStack({
  DATABASE_URL: services.postgres.databaseUrl, S3_ENDPOINT: services.s3.endpoint, S3_ACCESS_KEY: services.s3.accessKey, S3_SECRET_KEY: services.s3.secretKey,
}, { workers: false });
const png = await fs.readFile(path.join(repoRoot, 'samples', 'scans', 'ks-tokhai-p1.png'));
const upload = async () => {
  const started = performance.now();
  const r = await uploadBatch(stack.url, stack.token, { unit: '000.00.00.H00', procedure: 'KS' }, [{ name: 'p.png', bytes: png }]);
  if (r.status !== 202) throw new Error(`upload answered ${r.status}`);
  return performance.now() - started;
};
const chain = (on: boolean) => stack.runtime.db.query(`ALTER TABLE audit_events ${on ? 'ENABLE' : 'DISABLE'} TRIGGER audit_events_link`);

const samples: Record<string, number[]> = { 'chain on, one at a time': [], 'chain off, one at a time': [], [`chain on, ${CONCURRENCY} at once`]: [], [`chain off, ${CONCURRENCY} at once`]: [] };
const walls: Record<string, number> = {};
try {
  for (let i = 0; i < 5; i++) await upload(); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (const on of round % 2 ? [false, true] : [true, false]) {
      await chain(on);
      for (let i = 0; i < PER_ROUND; i++) samples[`chain ${on ? 'on' : 'off'}, one at a time`]!.push(await upload());
      const key = `chain ${on ? 'on' : 'off'}, ${CONCURRENCY} at once`;
      const started = performance.now();
      await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
        for (let i = 0; i < PER_ROUND / CONCURRENCY * 2; i++) samples[key]!.push(await upload());
      }));
      walls[key] = (walls[key] ?? 0) + performance.now() - started;
    }
  }
  // The trigger's own cost, without the upload around it: one audit row per transaction, one connection.
  const rowMs: Record<string, number[]> = { on: [], off: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const on of round % 2 ? [false, true] : [true, false]) {
      await chain(on);
      const started = performance.now();
      for (let i = 0; i < 200; i++) await recordAudit(stack.runtime.db, { actor: 'bench', action: 'bench.row', subjectType: 'record', subjectId: String(i), detail: { i } });
      rowMs[on ? 'on' : 'off']!.push((performance.now() - started) / 200);
    }
  }
  await chain(true);
  const started = performance.now();
  const report = await verifyAuditTrail({ db: stack.runtime.db, store: stack.runtime.store });
  const verifyMs = performance.now() - started;
  const chained = report.rows;

  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
  const lines = [
    '# Audit chain: cost on a batch upload',
    '',
    `\`npm run bench:audit\` on ${new Date().toISOString().slice(0, 10)}: POST /api/v1/batches with one 1-page PNG, no workers, embedded PostgreSQL and S3`,
    `on this machine; ${ROUNDS} alternating rounds of ${PER_ROUND} uploads one at a time and ${PER_ROUND * 2} uploads ${CONCURRENCY} at once, with the`,
    'chain\'s link trigger on and off (off: the row is written unchained, as before the chain).',
    '',
    '| uploads | n | mean ms | p50 ms | p95 ms |',
    '|---|---|---|---|---|',
    ...Object.entries(samples).map(([k, xs]) => `| ${k} | ${xs.length} | ${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1)} | ${pct(xs, 50).toFixed(1)} | ${pct(xs, 95).toFixed(1)} |`),
    '',
    ...Object.entries(walls).map(([k, ms]) => `- ${k}: ${((samples[k]!.length / ms) * 1000).toFixed(1)} uploads/s`),
    `- one audit row per transaction (autocommit INSERT), ${ROUNDS} × 200: chain on ${mean(rowMs.on!).toFixed(2)} ms, chain off ${mean(rowMs.off!).toFixed(2)} ms per row`,
    `- verification of ${chained} chained rows (rows written with the trigger off are outside the chain by design here): ${verifyMs.toFixed(0)} ms`,
    '',
  ];
  await fs.writeFile(path.join(repoRoot, 'bench', 'results', 'audit.md'), lines.join('\n'));
  console.log(lines.join('\n'));
} finally {
  await stack.stop();
  await stopOwnServices(services);
}
