/**
 * Long-term validation of records on the embedded stack: a permanent record signed PAdES B-T by a certificate whose
 * CA answers OCSP is extended to B-LTA by the record.extend job (the cron tick sends one job per record due) as a
 * new object version; the old object stays untouched and guarded. With the CA's responder stopped, `sohoa verify`
 * of the downloaded record and GET /records/:id/verify (online revocation off) say valid, the revocation answer
 * coming from the DSS; pdfsig, qpdf, fixity and the BagIt export accept the new version. A second run before the
 * margin does nothing; a run when the TSA's certificate nears its expiry adds a new document time-stamp.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extendRecord, fixity, sendDueExtensions, type LtvDeps } from '@sohoa/archive-api';
import { ltvFactsOf, signPdf } from '@sohoa/signer';
import { createTestPki, freePort, issueTestIdentity, startOcspResponder, startTestTsa, type TestOcspResponder, type TestPki, type TestTsa } from '@sohoa/signer/testing';
import { archivePdfs, scannedLikePdf } from './helpers/archived-records.ts';
import { checkBag, unpackZip } from './helpers/bagit-checker.ts';
import { getJson, nssTrusting, repoRoot, run, startTestStack, waitFor, type TestStack } from './helpers/stack.ts';
import { fixitySettings, ltvSettings } from '../src/runtime.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const DAY_MS = 24 * 60 * 60 * 1000;

describe('long-term validation of records', () => {
  let pki: TestPki;
  let tsa: TestTsa;
  let responder: TestOcspResponder;
  let stack: TestStack;
  let nssDir: string;
  let work: string;
  let recordId: string;
  let firstKey: string;
  let firstPdf: Uint8Array;
  let deps: LtvDeps;

  const recordRow = async () => (await stack.runtime.db.query(
    `SELECT object_key, object_version, sha256, size::int AS size, ltv_level, last_timestamp_expires, signer_certificate_expires FROM records WHERE id = $1`, [recordId],
  )).rows[0];
  const download = async () => {
    const response = await fetch(`${stack.url}/api/v1/records/${recordId}/pdf`, { headers: { authorization: `Bearer ${stack.token}` } });
    expect(response.status).toBe(200);
    return new Uint8Array(await response.arrayBuffer());
  };

  /**
   * pdfsig (22.12) must call the PAdES signature valid (its exit code says nothing: read the text; it calls the test
   * identity's certificate an "unknown issue" before any extension too, so the chain is judged by sohoa); it does not check RFC 3161 document time-stamps ("Signature Type: unknown"), so openssl ts does, over
   * the bytes each one covers. qpdf --check must pass.
   */
  async function expectValidatorsAccept(file: string, count: number) {
    const { stdout } = await run('pdfsig', ['-nssdir', `sql:${nssDir}`, '-no-ocsp', file]);
    const blocks = stdout.split(/^Signature #\d+:/m).slice(1);
    expect(blocks, stdout).toHaveLength(count);
    expect(blocks[0], stdout).toContain('Signature Validation: Signature is Valid.');
    for (const block of blocks) expect(block, stdout).not.toMatch(/Invalid|Mismatch/i);
    expect(blocks.at(-1), stdout).toContain('Total document signed');

    const bytes = await readFile(file);
    const text = bytes.toString('latin1');
    const ranges = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)].map((m) => m.slice(1).map(Number) as [number, number, number, number]);
    expect(ranges).toHaveLength(count);
    for (const [index, [a, b, c, d]] of ranges.slice(1).entries()) {
      const token = path.join(work, `stamp-${index}.der`);
      const data = path.join(work, `stamp-${index}.bin`);
      // The DER token, without the zero padding of its /Contents placeholder.
      const hex = text.slice(a + b + 1, c - 1);
      const der = Buffer.from(hex, 'hex');
      const length = der[1]! & 0x80 ? 2 + (der[1]! & 0x7f) + der.subarray(2, 2 + (der[1]! & 0x7f)).reduce((n, byte) => n * 256 + byte, 0) : 2 + der[1]!;
      await writeFile(token, der.subarray(0, length));
      await writeFile(data, Buffer.concat([bytes.subarray(a, a + b), bytes.subarray(c, c + d)]));
      const { stdout: ts } = await run('openssl', ['ts', '-verify', '-token_in', '-in', token, '-data', data, '-CAfile', pki.files.caCertificatePath]);
      expect(ts).toContain('Verification: OK');
    }
    const qpdf = await run('qpdf', ['--check', file]);
    expect(qpdf.stdout).toContain('No syntax or stream encoding errors');
  }

  /** `sohoa verify` of the downloaded file, asking the stopped responder in vain: the DSS answers. */
  async function expectCliValid(file: string) {
    const cli = await run('node', [path.join(repoRoot, 'bin', 'sohoa.js'), 'verify', file, '--trust', pki.files.caCertificatePath], {
      env: { ...process.env, DATA_DIR: work, REVOCATION_FETCH: 'on', REVOCATION_SOFT_FAIL: 'off', OUTBOUND_ALLOW_PRIVATE: 'on' },
    }); // rejects on a non-zero exit
    expect(cli.stdout).toMatch(/^VALID: /m);
    expect(cli.stdout).toMatch(/revocation: not revoked \([^)]*DSS/);
  }

  /**
   * The record as served, with the CA's responder gone: GET /verify (never asking online here) and the validators;
   * with `cli`, `sohoa verify` too (its start-up takes ~15 s on two busy cores, so it runs once).
   */
  async function expectValidOffline(name: string, signatures: number, o: { cli: boolean }) {
    const file = path.join(work, name);
    await writeFile(file, await download());
    if (o.cli) await expectCliValid(file);
    const report = await getJson(`${stack.url}/api/v1/records/${recordId}/verify`, stack.token);
    expect(report.problems).toEqual([]);
    expect(report.valid).toBe(true);
    expect(report.signatures).toHaveLength(signatures);
    expect(report.signatures[0].revocation).toMatchObject({ status: 'good', source: expect.stringContaining('DSS') });
    expect(report.signatures.slice(1).map((s: any) => s.subFilter)).toEqual(Array(signatures - 1).fill('ETSI.RFC3161'));
    await expectValidatorsAccept(file, signatures);
  }

  beforeAll(async () => {
    pki = await createTestPki();
    work = await mkdtemp(path.join(os.tmpdir(), 'sohoa-ltv-'));
    const trustDir = path.join(work, 'trust');
    await mkdir(trustDir);
    await writeFile(path.join(trustDir, 'test-ca.pem'), pki.caPem);
    tsa = await startTestTsa(path.join(work, 'tsa'), pki.authority);
    const port = await freePort();
    const unit = await issueTestIdentity(pki.authority, 'UBND phường Lưu Trữ', { ocspResponderUrl: `http://127.0.0.1:${port}/` });
    responder = await startOcspResponder(path.join(work, 'ocsp'), { authority: pki.authority, signer: pki.authority, entries: [{ certificatePem: unit.certificatePem }], port });
    nssDir = await nssTrusting(pki.files.caCertificatePath);
    // Verification through the API never goes online here: what it knows of revocation is what the record carries.
    stack = await startTestStack({ TSA_URL: tsa.url, TRUST_ANCHORS_DIR: trustDir, REVOCATION_FETCH: 'off', OCR_WORKERS: '1' });
    firstPdf = await signPdf(await scannedLikePdf('luu tru vinh vien', 20_000), unit, { timestampAuthority: { url: tsa.url } });
    [recordId] = await archivePdfs(stack.runtime, [firstPdf]); // no component: kept permanently
    firstKey = (await recordRow()).object_key;
    deps = { ...stack.runtime, settings: ltvSettings(stack.runtime.config) };
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    await responder?.stop();
    await tsa?.stop();
    await pki?.cleanup();
    if (work) await rm(work, { recursive: true, force: true });
    if (nssDir) await rm(nssDir, { recursive: true, force: true });
  });

  it('schedules the nightly tick only because a TSA is configured', async () => {
    const { rows } = await stack.runtime.db.query(`SELECT cron, timezone FROM pgboss.schedule WHERE name = 'record.extend'`);
    expect(rows).toEqual([{ cron: '30 3 * * *', timezone: 'Asia/Ho_Chi_Minh' }]);
  });

  it('extends the permanent record to B-LTA through the queue, as a new object version under a new key', async () => {
    expect(await recordRow()).toMatchObject({ object_version: 1, ltv_level: null, sha256: sha256(firstPdf) });
    await stack.runtime.queue.send('record.extend', {}); // the cron tick: it sends record.extend for our record
    const row = await waitFor('the record to be extended', async () => {
      const r = await recordRow();
      return r.object_version === 2 ? r : null;
    }, 120_000);
    expect(row.object_key).toBe(firstKey.replace(/\.pdf$/, '.v2.pdf'));
    expect(row.ltv_level).toBe('B-LTA');
    const current = await stack.runtime.store.get(row.object_key);
    expect(sha256(current)).toBe(row.sha256);
    expect(row.size).toBe(current.length);
    // An incremental update: the signed bytes are the start of the new file, and the old object is as it was.
    expect(Buffer.from(current.subarray(0, firstPdf.length)).equals(Buffer.from(firstPdf))).toBe(true);
    expect(sha256(await stack.runtime.store.get(firstKey))).toBe(sha256(firstPdf));
    const facts = await ltvFactsOf(current);
    expect(row.last_timestamp_expires).toEqual(facts.lastDocumentTimestamp!.expires);
    expect(row.signer_certificate_expires).toEqual(facts.signerCertificateExpires);

    const { rows: versions } = await stack.runtime.db.query('SELECT version, object_key, sha256, reason, ltv_level FROM record_versions WHERE record_id = $1 ORDER BY version', [recordId]);
    expect(versions).toEqual([
      { version: 1, object_key: firstKey, sha256: sha256(firstPdf), reason: 'archived', ltv_level: null },
      { version: 2, object_key: row.object_key, sha256: row.sha256, reason: 'extended', ltv_level: 'B-LTA' },
    ]);
    const { rows: audit } = await stack.runtime.db.query(`SELECT detail FROM audit_events WHERE action = 'record.ltv-extended' AND subject_id = $1`, [recordId]);
    expect(audit).toHaveLength(1);
    expect(audit[0].detail).toMatchObject({
      why: 'kept permanently', level: 'B-LTA',
      from: { version: 1, objectKey: firstKey, sha256: sha256(firstPdf) }, to: { version: 2, objectKey: row.object_key, sha256: row.sha256 },
    });
  }, 150_000);

  it('keeps every version write-once: neither the old nor the new key can be overwritten, nor the old one removed', async () => {
    const { store } = stack.runtime;
    const row = await recordRow();
    await expect(store.put(firstKey, Buffer.from('%PDF-1.7 forged'))).rejects.toMatchObject({ code: 'write-once' });
    await expect(store.put(row.object_key, Buffer.from('%PDF-1.7 forged'))).rejects.toMatchObject({ code: 'write-once' });
    await expect(store.remove(firstKey)).rejects.toMatchObject({ code: 'retained' });
    expect(sha256(await store.get(firstKey))).toBe(sha256(firstPdf));
  });

  it('verifies with the CA responder stopped: sohoa verify and GET /verify say valid, revocation from the DSS; pdfsig, openssl and qpdf accept it', async () => {
    await responder.stop();
    await expectValidOffline('extended.pdf', 2, { cli: true });
  }, 120_000);

  it('fixity checks the current version, and the BagIt export ships it', async () => {
    const job = fixity.fixityRunJob({ ...stack.runtime, settings: fixitySettings(stack.runtime.config) });
    expect(await job.run({})).toEqual({ status: 'done' });
    const report = await getJson(`${stack.url}/api/v1/fixity`, stack.token);
    const check = report.items.find((i: any) => i.record === recordId);
    expect(check).toMatchObject({ status: 'intact', detail: { signatures: 2 } });

    const response = await fetch(`${stack.url}/api/v1/records/${recordId}/bag`, { headers: { authorization: `Bearer ${stack.token}` } });
    expect(response.status).toBe(200);
    const dir = path.join(work, 'bag');
    await unpackZip(Buffer.from(await response.arrayBuffer()), dir);
    const [top] = await readdir(dir);
    const bag = await checkBag(path.join(dir, top!));
    expect(bag.problems).toEqual([]);
    const pdf = bag.payloadFiles.find((f) => f.endsWith('.pdf'))!;
    expect(sha256(await readFile(path.join(dir, top!, pdf)))).toBe((await recordRow()).sha256);
  }, 120_000);

  it('does nothing on a second run before the margin', async () => {
    const before = await recordRow();
    expect(await sendDueExtensions(deps)).toBe(0);
    expect(await extendRecord(deps, recordId)).toEqual({ status: 'skipped', reason: 'not due (B-LTA)' });
    expect(await recordRow()).toEqual(before);
  });

  it('adds a new document time-stamp when the last one\'s TSA certificate nears its expiry', async () => {
    const before = await recordRow();
    // The TSA renewed its certificate; the clock stands 30 days before the old one expires (margin: 90 days).
    const renewed = await startTestTsa(path.join(work, 'tsa-2'), pki.authority, { certificateDays: 730 });
    try {
      const late = { ...deps, settings: { ...deps.settings, tsaUrl: renewed.url }, now: () => new Date(before.last_timestamp_expires.getTime() - 30 * DAY_MS) };
      expect(await sendDueExtensions({ ...late, queue: { send: async () => {} } as never })).toBe(1);
      expect(await extendRecord(late, recordId)).toEqual({ status: 'done' });
    } finally {
      await renewed.stop();
    }
    const row = await recordRow();
    expect(row.object_version).toBe(3);
    expect(row.object_key).toBe(firstKey.replace(/\.pdf$/, '.v3.pdf'));
    expect(row.last_timestamp_expires.getTime()).toBeGreaterThan(before.last_timestamp_expires.getTime() + 300 * DAY_MS);
    const current = await stack.runtime.store.get(row.object_key);
    const previous = await stack.runtime.store.get(before.object_key);
    expect(sha256(previous)).toBe(before.sha256); // version 2 untouched
    expect(Buffer.from(current.subarray(0, previous.length)).equals(previous)).toBe(true);
    const { rows: audit } = await stack.runtime.db.query(`SELECT detail FROM audit_events WHERE action = 'record.ltv-renewed' AND subject_id = $1`, [recordId]);
    expect(audit.map((a) => [a.detail.from.objectKey, a.detail.to.objectKey])).toEqual([[before.object_key, row.object_key]]);
    await expectValidOffline('renewed.pdf', 3, { cli: false });
  }, 120_000);
});
