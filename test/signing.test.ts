/**
 * Signing on the real stack: the certificate registry API (imports refused
 * with their reasons, renewal, expiry warning, revocation), and a record
 * signed by the officer then the unit, B-T against a local RFC 3161 TSA
 * (openssl ts -reply), judged by pdfsig, qpdf and GET /records/:id/verify.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateAuthority, issueCertificate, toPkcs12, type IssuedCertificate } from '../services/signer/src/certificate-issuer.ts';
import { startTestTsa, type TestTsa } from '../services/signer/src/test-tsa.ts';
import { getJson, nssTrusting, repoRoot, run, startTestStack, uploadBatch, waitFor, waitForBatch, type TestStack } from './helpers/stack.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const UNIT = '000.00.00.H00';
const scan = path.join(repoRoot, 'samples', 'scans', 'ks-tokhai-p1.png');

let stack: TestStack;
let tsa: TestTsa;
let work: string;
let trustDir: string;
let devCa: IssuedCertificate;

async function api(method: string, route: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${stack.url}/api/v1${route}`, {
    method,
    headers: { authorization: `Bearer ${stack.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: await response.json() };
}

/** A .p12 and its password file, as a unit receives them from its CA. */
async function p12Files(name: string, issued: IssuedCertificate, authority: IssuedCertificate, password = `pw-${name}`): Promise<{ p12Path: string; passwordFile: string }> {
  const p12Path = path.join(work, `${name}.p12`);
  const passwordFile = path.join(work, `${name}.password`);
  await fs.writeFile(p12Path, toPkcs12(issued, [authority.certificatePem], password, name));
  await fs.writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  return { p12Path, passwordFile };
}

function certificate(commonName: string, days: { from: number; to: number }, authority: IssuedCertificate): IssuedCertificate {
  const now = Date.now();
  return issueCertificate(
    {
      subject: { commonName, organization: commonName, country: 'VN' },
      notBefore: new Date(now + days.from * DAY_MS),
      notAfter: new Date(now + days.to * DAY_MS),
      keyUsage: ['digitalSignature', 'nonRepudiation'],
    },
    authority,
  );
}

async function signedRecord(): Promise<{ batch: any; recordId: string; file: string }> {
  const upload = await uploadBatch(stack.url, stack.token, { unit: UNIT, procedure: 'KS', component: 'KS-TK' }, [{ name: 'ks-tokhai-p1.png', bytes: await fs.readFile(scan) }]);
  expect(upload.status).toBe(202);
  const batch = await waitForBatch(stack.url, stack.token, upload.body.id);
  const recordId = batch.documents.find((document: any) => document.recordId)?.recordId;
  const file = path.join(work, `${upload.body.id}.pdf`);
  if (recordId) {
    const response = await fetch(`${stack.url}/api/v1/records/${recordId}/pdf`, { headers: { authorization: `Bearer ${stack.token}` } });
    await fs.writeFile(file, Buffer.from(await response.arrayBuffer()));
  }
  return { batch, recordId, file };
}

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'sohoa-signing-'));
  trustDir = path.join(work, 'trust');
  await fs.mkdir(trustDir);
  // The TSA has its own CA, trusted through TRUST_ANCHORS_DIR: the URL must be known before the stack starts.
  const tsaCa = createCertificateAuthority({ subject: { commonName: 'sohoa test TSA root', country: 'VN' }, notBefore: new Date(Date.now() - DAY_MS), notAfter: new Date(Date.now() + 3650 * DAY_MS) });
  await fs.writeFile(path.join(trustDir, 'tsa-root.pem'), tsaCa.certificatePem);
  tsa = await startTestTsa(path.join(work, 'tsa'), tsaCa);
  stack = await startTestStack({ TSA_URL: tsa.url, TRUST_ANCHORS_DIR: trustDir });
  const pki = path.join(stack.dataDir, 'pki');
  devCa = { certificatePem: await fs.readFile(path.join(pki, 'ca.pem'), 'utf8'), privateKeyPem: await fs.readFile(path.join(pki, 'ca-key.pem'), 'utf8') };
});
afterAll(async () => {
  await stack?.stop();
  await tsa?.stop();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

describe('the certificate registry', () => {
  it('refuses, with the reason, an expired certificate, a wrong password and a certificate from an untrusted CA', async () => {
    const expired = await p12Files('expired', certificate('UBND phường Hết Hạn', { from: -400, to: -10 }, devCa), devCa);
    const refusedExpired = await api('POST', `/units/${UNIT}/certificates`, expired);
    expect(refusedExpired.status).toBe(422);
    expect(refusedExpired.body.error.code).toBe('expired');
    expect(refusedExpired.body.error.message).toContain('expired on');

    const good = await p12Files('unit-wrong-pw', certificate('UBND phường Mẫu', { from: -1, to: 365 }, devCa), devCa);
    await fs.writeFile(good.passwordFile, 'not the password');
    const wrong = await api('POST', `/units/${UNIT}/certificates`, good);
    expect(wrong.status).toBe(422);
    expect(wrong.body.error).toMatchObject({ code: 'wrong-password', message: 'The password for the certificate file is wrong.' });

    const stranger = createCertificateAuthority({ subject: { commonName: 'Unknown CA', country: 'VN' }, notBefore: new Date(Date.now() - DAY_MS), notAfter: new Date(Date.now() + 365 * DAY_MS) });
    const foreign = await api('POST', `/units/${UNIT}/certificates`, await p12Files('foreign', certificate('UBND xã Lạ', { from: -1, to: 365 }, stranger), stranger));
    expect(foreign.status).toBe(422);
    expect(foreign.body.error.code).toBe('untrusted-chain');
    expect(foreign.body.error.message).toContain('does not chain to a configured trust anchor');
  });

  it('imports an officer certificate and renews the unit certificate, warning that the new one expires soon', async () => {
    const officer = await p12Files('officer', certificate('Nguyễn Văn Bình', { from: -1, to: 365 }, devCa), devCa);
    const imported = await api('POST', `/units/${UNIT}/certificates`, { role: 'officer', holderName: 'Nguyễn Văn Bình', p12Path: officer.p12Path, passwordFile: officer.passwordFile });
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({ role: 'officer', active: true, subject: 'Nguyễn Văn Bình', passwordFrom: 'file', status: { state: 'valid', maySign: true } });
    expect(JSON.stringify(imported.body)).not.toContain('pw-officer');
    expect(JSON.stringify(imported.body)).not.toContain(officer.passwordFile);

    // Renewal by upload: the .p12 and its password, kept in files only the service reads.
    const renewed = certificate('UBND phường Mẫu', { from: -1, to: 10 }, devCa);
    const form = new FormData();
    form.set('password', 'gia hạn 2026');
    form.set('p12', new Blob([new Uint8Array(toPkcs12(renewed, [devCa.certificatePem], 'gia hạn 2026', 'renewed'))]), 'renewed.p12');
    const response = await fetch(`${stack.url}/api/v1/units/${UNIT}/certificates`, { method: 'POST', body: form, headers: { authorization: `Bearer ${stack.token}` } });
    const body = await response.json();
    expect(response.status).toBe(201);
    expect(body.status).toMatchObject({ state: 'expiring', maySign: true });
    expect(JSON.stringify(body)).not.toContain('gia hạn 2026');

    const list = await api('GET', `/units/${UNIT}/certificates`);
    const units = list.body.certificates.filter((item: any) => item.role === 'unit');
    expect(units).toHaveLength(2);
    expect(units.filter((item: any) => item.active)).toHaveLength(1);
    expect(list.body.warnings.join('\n')).toMatch(/expires on .* \(in (9|10) days\)/);
  });
});

describe('a time-stamp authority that is down, then up', () => {
  it('retries the signing job while the TSA is down, then signs B-T and archives the document once', async () => {
    await tsa.stop(); // TSA_URL now refuses connections
    const upload = await uploadBatch(stack.url, stack.token, { unit: UNIT, procedure: 'KS', component: 'KS-TK' }, [{ name: 'ks-tokhai-p1.png', bytes: await fs.readFile(scan) }]);
    expect(upload.status).toBe(202);
    const { db, store } = stack.runtime;
    const failedAttempt = await waitFor('a signing attempt to fail on the TSA', async () => {
      const { rows } = await db.query(
        `SELECT j.data->>'documentId' AS document, j.output::text AS error FROM pgboss.job j JOIN documents d ON d.id::text = j.data->>'documentId'
         WHERE j.name = 'document.sign' AND j.state = 'retry' AND j.retry_count >= 1 AND d.batch_id = $1`,
        [upload.body.id],
      );
      return rows[0] as { document: string; error: string } | undefined;
    });
    expect(failedAttempt.error).toContain('did not answer');
    // Not failed for good while retries remain: the document waits, built, and the batch is still going.
    const waiting = await getJson(`${stack.url}/api/v1/batches/${upload.body.id}`, stack.token);
    expect(waiting.status).toBe('processing');
    expect(waiting.documents.find((document: any) => document.id === failedAttempt.document)).toMatchObject({ status: 'built', error: null });

    await tsa.restart(); // same port, same URL
    const batch = await waitForBatch(stack.url, stack.token, upload.body.id);
    expect(batch.status).toBe('done');
    const { rows: records } = await db.query(`SELECT id, object_key FROM records WHERE document_id = $1`, [failedAttempt.document]);
    expect(records).toHaveLength(1);
    expect(await store.list(`${path.posix.dirname(records[0].object_key)}/`)).toEqual([records[0].object_key]);
    const { body } = await api('GET', `/records/${records[0].id}/verify`);
    expect(body.valid).toBe(true);
    expect(body.signatures.length).toBeGreaterThan(0);
    for (const check of body.signatures) expect(check.timestamp).toMatchObject({ valid: true, authority: 'sohoa test time-stamp authority' }); // B-T
  });
});

describe('a record signed by the officer, then the unit, B-T', () => {
  let recordId: string;
  let file: string;
  beforeAll(async () => {
    ({ recordId, file } = await signedRecord());
    expect(recordId).toBeTruthy();
  });

  it('pdfsig: two signatures, both valid and trusted, officer first', async () => {
    const nss = await nssTrusting(path.join(stack.dataDir, 'pki', 'ca.pem'));
    const { stdout } = await run('pdfsig', ['-nssdir', `sql:${nss}`, file]);
    expect(stdout.match(/Signature is Valid\./g)).toHaveLength(2);
    expect(stdout.match(/Certificate is Trusted\./g)).toHaveLength(2);
    expect(stdout.indexOf('Nguyễn Văn Bình')).toBeLessThan(stdout.indexOf('UBND phường Mẫu'));
    expect((await run('qpdf', ['--check', file])).stdout).toContain('No syntax or stream encoding errors found');
    expect(tsa.answered()).toBeGreaterThanOrEqual(2);
  });

  it('GET /records/:id/verify: valid, each signature time-stamped by the TSA', async () => {
    const { status, body } = await api('GET', `/records/${recordId}/verify`);
    expect(status).toBe(200);
    expect(body.problems).toEqual([]);
    expect(body.valid).toBe(true);
    expect(body.signatures.map((check: any) => check.signer)).toEqual(['Nguyễn Văn Bình', 'UBND phường Mẫu']);
    for (const check of body.signatures) expect(check.timestamp).toMatchObject({ valid: true, authority: 'sohoa test time-stamp authority' });
    expect(body.text).toContain('VALID: 2 signatures');
  });

  it('a revoked unit certificate signs nothing more: the document fails with the reason', async () => {
    const list = await api('GET', `/units/${UNIT}/certificates`);
    const active = list.body.certificates.find((item: any) => item.role === 'unit' && item.active);
    const revoked = await api('POST', `/certificates/${active.id}/revoke`, { reason: 'key compromise' });
    expect(revoked.body.status.state).toBe('revoked');
    const { batch } = await signedRecord();
    expect(batch.status).toBe('failed');
    expect(batch.documents.map((document: any) => document.error).join(' ')).toContain('was revoked on');
  });
});

describe('sohoa sign and sohoa verify', () => {
  const sohoa = path.join(repoRoot, 'bin', 'sohoa.js');

  it('signs any PDF with a PKCS#12 (B-T), signs it again, and verify accepts both; a wrong password is refused', async () => {
    const pki = path.join(stack.dataDir, 'pki');
    const input = path.join(work, 'cli-in.pdf');
    const { samplePdf } = await import('../services/signer/src/test-pki.ts');
    await fs.writeFile(input, await samplePdf(5));
    const officer = await p12Files('cli-officer', certificate('Trần Thị Mai', { from: -1, to: 365 }, devCa), devCa);
    const once = path.join(work, 'cli-once.pdf');
    const twice = path.join(work, 'cli-twice.pdf');
    await run('node', [sohoa, 'sign', '--p12', officer.p12Path, '--password-file', officer.passwordFile, '--tsa', tsa.url, '--as', 'officer', input, once]);
    const signed = await run('node', [sohoa, 'sign', '--p12', path.join(pki, `${UNIT}.p12`), '--password-env', 'UNIT_P12_PASSWORD', '--tsa', tsa.url, once, twice], {
      env: { ...process.env, UNIT_P12_PASSWORD: (await fs.readFile(path.join(pki, `${UNIT}.password`), 'utf8')).trim() },
    });
    expect(signed.stdout).toContain('time-stamped (PAdES B-T)');

    const verified = await run('node', [sohoa, 'verify', twice, '--trust', path.join(pki, 'ca.pem'), '--trust', path.join(trustDir, 'tsa-root.pem')]);
    expect(verified.stdout).toContain('VALID: 2 signatures, all intact and trusted.');
    expect(verified.stdout).toContain('time-stamp: valid');

    const refused = await run('node', [sohoa, 'sign', '--p12', officer.p12Path, '--password-env', 'NO_SUCH_PASSWORD', input, path.join(work, 'never.pdf')], {
      env: { ...process.env, NO_SUCH_PASSWORD: 'wrong' },
    }).then(() => null, (error) => error);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('The password for the certificate file is wrong.');
  });
});
