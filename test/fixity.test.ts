/**
 * Fixity on the embedded stack: record objects archived by the real record.archive job, then damaged the way a
 * disk or an operator damages them (a bit flipped in the S3 endpoint's own file, a file deleted, bytes changed
 * under a signature), found by the scheduled job, the API and `sohoa fixity`; a run killed midway continues from
 * its cursor.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixity } from '@sohoa/archive-api';
import { archivePdfs, demoUnitKey, s3ObjectFile, scannedLikePdf, signedPdfs } from './helpers/archived-records.ts';
import { expectResponseConforms } from './helpers/contract-check.ts';
import { repoRoot, run, startTestStack, type TestStack } from './helpers/stack.ts';
import { fixitySettings } from '../src/runtime.ts';
import { signPdf } from '@sohoa/signer';

const sohoa = path.join(repoRoot, 'bin', 'sohoa.js');

describe('fixity', () => {
  let stack: TestStack;
  let records: string[];
  let keyOf: (id: string) => Promise<string>;

  beforeAll(async () => {
    // Workers on (the requested runs of `sohoa fixity` are jobs); no throttle, so the test is quick.
    stack = await startTestStack({ FIXITY_MAX_BYTES_PER_SECOND: '0', FIXITY_MAX_OBJECTS_PER_SECOND: '0', OCR_WORKERS: '1' });
    const key = await demoUnitKey(stack.dataDir);
    const intact = await signedPdfs(key, 4, 50_000);
    // Signed, then changed inside the signed bytes before archiving: archived as it is, its SHA-256 matches, its signature does not.
    const tampered = Buffer.from(await signPdf(await scannedLikePdf('tampered', 20_000), key));
    const at = tampered.indexOf('/ModDate (D:2'); // in the Info dictionary of the signed revision
    expect(at).toBeGreaterThan(0);
    tampered[at + 12] = '1'.charCodeAt(0); // 2026 → 1026: still a PDF, no longer the bytes signed
    records = await archivePdfs(stack.runtime, [...intact, tampered]);
    keyOf = async (id) => (await stack.runtime.db.query('SELECT object_key FROM records WHERE id = $1', [id])).rows[0].object_key;
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  /** A request to the API, its answer checked against the route's contract (the OpenAPI document). */
  async function api(method: string, url: string, token = stack.token, body?: unknown): Promise<{ status: number; body: any }> {
    const r = await fetch(url, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    await expectResponseConforms(method, url, r);
    return { status: r.status, body: await r.json() };
  }
  const getJson = async (url: string, token: string) => {
    const answer = await api('GET', url, token);
    if (answer.status !== 200) throw new Error(`${url}: ${answer.status}`);
    return answer.body;
  };

  it('schedules the nightly run in pg-boss', async () => {
    const { rows } = await stack.runtime.db.query(`SELECT cron, timezone FROM pgboss.schedule WHERE name = 'fixity.run'`);
    expect(rows).toEqual([{ cron: '0 2 * * *', timezone: 'Asia/Ho_Chi_Minh' }]);
  });

  it('finds every record intact but the one whose signature no longer covers its bytes', async () => {
    const job = fixity.fixityRunJob({ ...stack.runtime, settings: fixitySettings(stack.runtime.config) });
    expect(await job.run({})).toEqual({ status: 'done' });
    const report = await getJson(`${stack.url}/api/v1/fixity`, stack.token);
    expect(report.counts).toMatchObject({ intact: 4, 'signature-broken': 1, mismatch: 0, missing: 0, unchecked: 0 });
    const broken = report.items.find((i: any) => i.status === 'signature-broken');
    expect(broken.record).toBe(records[4]);
    expect(broken.detail.why).toMatch(/no longer match their bytes/);
    expect(report.runs[0]).toMatchObject({ trigger: 'schedule', status: 'done', checked: 5, failed: 1 });
  });

  it('reports a bit flipped in a stored object as a mismatch, by the job, the API, the audit trail and `sohoa fixity`', async () => {
    const file = s3ObjectFile(stack.dataDir, stack.runtime.store.bucket, await keyOf(records[1]!));
    const bytes = await fs.readFile(file);
    bytes[Math.floor(bytes.length / 2)] ^= 0x01;
    await fs.writeFile(file, bytes);
    const gone = s3ObjectFile(stack.dataDir, stack.runtime.store.bucket, await keyOf(records[2]!));
    await fs.rm(gone);

    // The scheduled job: a new run (the last one finished).
    const job = fixity.fixityRunJob({ ...stack.runtime, settings: fixitySettings(stack.runtime.config) });
    await job.run({});
    const report = await getJson(`${stack.url}/api/v1/fixity?status=mismatch`, stack.token);
    expect(report.items.map((i: any) => i.record)).toEqual([records[1]]);
    expect(report.items[0].detail).toMatchObject({ why: expect.stringMatching(/SHA-256 differs/) });
    const missing = await getJson(`${stack.url}/api/v1/fixity?status=missing`, stack.token);
    expect(missing.items.map((i: any) => i.record)).toEqual([records[2]]);
    const { rows: alerts } = await stack.runtime.db.query(
      `SELECT subject_id, detail->>'status' AS status FROM audit_events WHERE action = 'fixity.failed' AND subject_id = ANY($1) ORDER BY id DESC`,
      [[records[1], records[2]]],
    );
    expect(alerts.slice(0, 2).map((a) => [a.subject_id, a.status]).sort()).toEqual([[records[1], 'mismatch'], [records[2], 'missing']].sort());

    // The CLI: a requested run worked by the queue's job; exit 1, each bad record named.
    const env = { ...process.env, SOHOA_URL: stack.url, SOHOA_TOKEN: stack.token, DATA_DIR: stack.dataDir };
    const failed = await run('node', [sohoa, 'fixity', '--unit', '000.00.00.H00'], { env }).then(() => null, (err) => err);
    expect(failed?.code).toBe(1);
    expect(failed.stdout).toContain(`mismatch: record ${records[1]}`);
    expect(failed.stdout).toContain(`missing: record ${records[2]}`);
    expect(failed.stdout).toContain(`signature-broken: record ${records[4]}`);
    expect(failed.stdout).not.toContain(records[0]!);
    expect(failed.stdout).toMatch(/5 record\(s\) checked.*3 not intact/);
  }, 60_000);

  it('exits 0 from `sohoa fixity` when everything checked is intact', async () => {
    // A unit of its own whose one record is intact.
    await stack.runtime.db.query(`INSERT INTO units (code, name) VALUES ('000.00.00.F01', 'UBND xã Nguyên Vẹn')`);
    const [only] = await archivePdfs(stack.runtime, await signedPdfs(await demoUnitKey(stack.dataDir), 1, 10_000), '000.00.00.F01');
    const env = { ...process.env, SOHOA_URL: stack.url, SOHOA_TOKEN: stack.token, DATA_DIR: stack.dataDir };
    const { stdout } = await run('node', [sohoa, 'fixity', '--unit', '000.00.00.F01'], { env });
    expect(stdout).toMatch(/1 record\(s\) checked.*all intact/);
    const report = await getJson(`${stack.url}/api/v1/fixity?unit=000.00.00.F01`, stack.token);
    expect(report.items).toEqual([expect.objectContaining({ record: only, status: 'intact' })]);
  }, 60_000);

  it('continues a run killed midway from its cursor: no record checked twice, none left out', async () => {
    const deps = await fixity.fixityDeps({ ...stack.runtime, settings: fixitySettings(stack.runtime.config) });
    const all = (await stack.runtime.db.query(`SELECT count(*)::int AS n FROM records`)).rows[0].n as number;
    const started = await fixity.createRun(stack.runtime.db, { trigger: 'schedule', requestedBy: 'system', unitIds: null });
    let reads = 0;
    // The worker dies while reading the third record.
    const dyingStore = Object.create(deps.store, {
      getStream: { value: async (key: string) => { if (++reads === 3) throw new Error('killed'); return deps.store.getStream(key); } },
    });
    await expect(fixity.runFixitySlice({ ...deps, store: dyingStore }, started.id, { sliceMs: 60_000 })).rejects.toThrow('killed');
    const halfway = (await fixity.loadRun(stack.runtime.db, started.id))!;
    expect(halfway).toMatchObject({ status: 'running', checked: 2 });

    // The next tick takes up the unfinished scheduled run; a short slice stops early and says there is more.
    const resumed = await fixity.runFixitySlice(deps, started.id, { sliceMs: 0 });
    expect(resumed).toMatchObject({ state: 'more', run: { checked: 2 } });
    const job = fixity.fixityRunJob({ ...stack.runtime, settings: fixitySettings(stack.runtime.config) });
    await job.run({});
    const done = (await fixity.loadRun(stack.runtime.db, started.id))!;
    expect(done).toMatchObject({ status: 'done', checked: all });
    const { rows } = await stack.runtime.db.query(`SELECT record_id, count(*)::int AS n FROM fixity_checks WHERE run_id = $1 GROUP BY 1`, [started.id]);
    expect(rows).toHaveLength(all);
    expect(rows.every((r) => r.n === 1)).toBe(true);
  }, 60_000);

  it('limits the report to the caller\'s units', async () => {
    const other = await api('GET', `${stack.url}/api/v1/fixity?unit=999.99.99.Z99`);
    expect(other.status).toBe(404);
    const { createApiToken } = await import('../src/http/auth.ts');
    const system = await createApiToken(stack.runtime.db, 'reader', 'system');
    // A bootstrap-era system token reads records everywhere: it sees the report, and cannot see an unknown run.
    expect((await getJson(`${stack.url}/api/v1/fixity`, system)).counts.intact).toBeGreaterThan(0);
    const unknown = await api('GET', `${stack.url}/api/v1/fixity/runs/00000000-0000-4000-8000-000000000000`, system);
    expect(unknown.status).toBe(404);
  });

  it('starts a run on request and shows it, with the records it did not find intact', async () => {
    const started = await api('POST', `${stack.url}/api/v1/fixity/runs`, stack.token, { unit: '000.00.00.F01' });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ trigger: 'request', status: 'running', checked: 0 });
    const shown = await api('GET', `${stack.url}/api/v1/fixity/runs/${started.body.id}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ id: started.body.id, unitIds: started.body.unitIds, problems: [] }); // the F01 unit's record is intact
    expect((await api('POST', `${stack.url}/api/v1/fixity/runs`, stack.token, { unit: '000.00.00.F01', all: true })).status).toBe(422);
  });
});
