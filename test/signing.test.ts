/**
 * Signing on the real stack: the certificate registry API (imports refused
 * with their reasons, admin only, renewal, expiry warning, revocation, seals),
 * and records signed by the officer then the unit, B-T against a local RFC 3161
 * TSA (openssl ts -reply), judged by pdfsig, qpdf and GET /records/:id/verify,
 * with revocation asked of a real OCSP responder (openssl ocsp). Uploaded
 * certificates are sealed into the database (SIGNING_KEY_ENCRYPTION_KEY). Last,
 * the certificate passwords and uploaded .p12 files given to the server are
 * searched for in the database, the logs and every stored file.
 */
import fs from 'node:fs/promises';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, loadConfig } from '@sohoa/shared';
import { createApiToken, createApp } from '../src/http/index.ts';
import { createKeyTransports } from '@sohoa/signer';
import { unlockCertificate } from '@sohoa/signer/jobs';
import { createCertificateAuthority, issueCertificate, toPkcs12, type IssuedCertificate, type KeyUsageName } from '../services/signer/src/certificate-issuer.ts';
import { freePort, startOcspResponder, type TestOcspResponder } from '@sohoa/signer/testing';
import { startTestTsa, type TestTsa } from '@sohoa/signer/testing';
import { getJson, nssTrusting, repoRoot, run, startTestStack, uploadBatch, waitFor, waitForBatch, type TestStack } from './helpers/stack.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const UNIT = '000.00.00.H00';
const scan = path.join(repoRoot, 'samples', 'scans', 'ks-tokhai-p1.png');

let stack: TestStack;
let tsa: TestTsa;
let work: string;
let trustDir: string;
let devCa: IssuedCertificate;
/** Every certificate password this file hands to sohoa: none may be stored, logged or returned. */
const givenPasswords = new Set<string>();
/** Every .p12 uploaded (multipart): none may be stored in clear, in a file or in the database. */
const uploadedP12s: Buffer[] = [];
/** The first record, signed before the unit's certificate is renewed again. */
let firstRecordId: string;

async function api(method: string, route: string, body?: unknown, token = stack.token, base = stack.url): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}/api/v1${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: await response.json() };
}

/** POST a .p12 and its password as multipart, the way an admin uploads one from the browser. */
async function uploadCertificate(p12: Uint8Array, password: string, fields: Record<string, string> = {}, base = stack.url, unit = UNIT): Promise<{ status: number; body: any }> {
  givenPasswords.add(password);
  uploadedP12s.push(Buffer.from(p12));
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  form.set('password', password);
  form.set('p12', new Blob([new Uint8Array(p12)]), 'upload.p12');
  const response = await fetch(`${base}/api/v1/units/${unit}/certificates`, { method: 'POST', body: form, headers: { authorization: `Bearer ${stack.token}` } });
  return { status: response.status, body: await response.json() };
}

/** A .p12 and its password file, as a unit receives them from its CA. */
async function p12Files(name: string, issued: IssuedCertificate, authority: IssuedCertificate, password = `pw-${name}`): Promise<{ p12Path: string; passwordFile: string }> {
  givenPasswords.add(password);
  const p12Path = path.join(work, `${name}.p12`);
  const passwordFile = path.join(work, `${name}.password`);
  await fs.writeFile(p12Path, toPkcs12(issued, [authority.certificatePem], password, name));
  await fs.writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  return { p12Path, passwordFile };
}

function certificate(
  commonName: string,
  days: { from: number; to: number },
  authority: IssuedCertificate,
  extra: { keyUsage?: KeyUsageName[]; ocspResponderUrl?: string } = {},
): IssuedCertificate {
  const now = Date.now();
  return issueCertificate(
    {
      subject: { commonName, organization: commonName, country: 'VN' },
      notBefore: new Date(now + days.from * DAY_MS),
      notAfter: new Date(now + days.to * DAY_MS),
      keyUsage: extra.keyUsage ?? ['digitalSignature', 'nonRepudiation'],
      ocspResponderUrl: extra.ocspResponderUrl,
    },
    authority,
  );
}

/** The record's PDF as the API serves it. */
async function recordPdf(recordId: string): Promise<Buffer> {
  const response = await fetch(`${stack.url}/api/v1/records/${recordId}/pdf`, { headers: { authorization: `Bearer ${stack.token}` } });
  return Buffer.from(await response.arrayBuffer());
}

async function signedRecord(): Promise<{ batch: any; recordId: string; file: string }> {
  const upload = await uploadBatch(stack.url, stack.token, { unit: UNIT, procedure: 'KS', component: 'KS-TK' }, [{ name: 'ks-tokhai-p1.png', bytes: await fs.readFile(scan) }]);
  expect(upload.status).toBe(202);
  const batch = await waitForBatch(stack.url, stack.token, upload.body.id);
  const recordId = batch.documents.find((document: any) => document.recordId)?.recordId;
  const file = path.join(work, `${upload.body.id}.pdf`);
  if (recordId) await fs.writeFile(file, await recordPdf(recordId));
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
  // Debug level, kept in memory: the last test searches every line for passwords.
  stack = await startTestStack({ TSA_URL: tsa.url, TRUST_ANCHORS_DIR: trustDir, SECRETS_DIR: work, LOG_LEVEL: 'debug' }, { captureLogs: true });
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
    givenPasswords.add('not the password');
    const wrong = await api('POST', `/units/${UNIT}/certificates`, good);
    expect(wrong.status).toBe(422);
    expect(wrong.body.error).toMatchObject({ code: 'wrong-password', message: 'The password for the certificate file is wrong.' });

    const stranger = createCertificateAuthority({ subject: { commonName: 'Unknown CA', country: 'VN' }, notBefore: new Date(Date.now() - DAY_MS), notAfter: new Date(Date.now() + 365 * DAY_MS) });
    const foreign = await api('POST', `/units/${UNIT}/certificates`, await p12Files('foreign', certificate('UBND xã Lạ', { from: -1, to: 365 }, stranger), stranger));
    expect(foreign.status).toBe(422);
    expect(foreign.body.error.code).toBe('untrusted-chain');
    expect(foreign.body.error.message).toContain('does not chain to a configured trust anchor');
  });

  it('refuses a certificate not valid yet and one not allowed to sign (not-yet-valid, key-usage)', async () => {
    const early = await api('POST', `/units/${UNIT}/certificates`, await p12Files('not-yet', certificate('UBND xã Chưa Đến', { from: 10, to: 365 }, devCa), devCa));
    expect(early.status).toBe(422);
    expect(early.body.error.code).toBe('not-yet-valid');
    expect(early.body.error.message).toContain('is valid only from');

    const crlSigner = certificate('UBND xã Không Ký', { from: -1, to: 365 }, devCa, { keyUsage: ['cRLSign'] });
    const noSigning = await api('POST', `/units/${UNIT}/certificates`, await p12Files('key-usage', crlSigner, devCa));
    expect(noSigning.status).toBe(422);
    expect(noSigning.body.error.code).toBe('key-usage');
    expect(noSigning.body.error.message).toContain('not allowed to make signatures');
    expect((await api('GET', `/units/${UNIT}/certificates`)).body.certificates.map((item: any) => item.subject)).not.toContain('UBND xã Chưa Đến');
  });

  it('refuses an uploaded .p12 for the same reasons as one on the server, and stores nothing', async () => {
    const before = (await api('GET', `/units/${UNIT}/certificates`)).body.certificates.length;
    const pkcs12 = (issued: IssuedCertificate, authority: IssuedCertificate, password: string) => toPkcs12(issued, [authority.certificatePem], password, 'upload');
    const stranger = createCertificateAuthority({ subject: { commonName: 'Unknown CA 2', country: 'VN' }, notBefore: new Date(Date.now() - DAY_MS), notAfter: new Date(Date.now() + 365 * DAY_MS) });
    const uploads = {
      'wrong-password': () => uploadCertificate(pkcs12(certificate('UBND phường Tải Lên', { from: -1, to: 365 }, devCa), devCa, 'đúng-upload'), 'sai-upload'),
      expired: () => uploadCertificate(pkcs12(certificate('UBND phường Tải Hết Hạn', { from: -400, to: -10 }, devCa), devCa, 'pw-up-expired'), 'pw-up-expired'),
      'not-yet-valid': () => uploadCertificate(pkcs12(certificate('UBND phường Tải Sớm', { from: 10, to: 365 }, devCa), devCa, 'pw-up-early'), 'pw-up-early'),
      'key-usage': () => uploadCertificate(pkcs12(certificate('UBND phường Tải CRL', { from: -1, to: 365 }, devCa, { keyUsage: ['cRLSign'] }), devCa, 'pw-up-ku'), 'pw-up-ku'),
      'untrusted-chain': () => uploadCertificate(pkcs12(certificate('UBND phường Tải Lạ', { from: -1, to: 365 }, stranger), stranger, 'pw-up-foreign'), 'pw-up-foreign'),
    };
    givenPasswords.add('đúng-upload');
    for (const [code, upload] of Object.entries(uploads)) {
      const refused = await upload();
      expect([code, refused.status, refused.body.error.code]).toEqual([code, 422, code]);
    }
    expect((await api('GET', `/units/${UNIT}/certificates`)).body.certificates).toHaveLength(before);
  });

  it('only an admin imports or revokes a certificate or imports a catalog: clerk, archivist and system tokens get 403', async () => {
    const attempt = await p12Files('not-admin', certificate('UBND xã Không Quyền', { from: -1, to: 365 }, devCa), devCa);
    const before = (await api('GET', `/units/${UNIT}/certificates`)).body.certificates;
    const catalog = JSON.parse(await fs.readFile(path.join(repoRoot, 'samples', 'catalog.json'), 'utf8'));
    for (const role of ['clerk', 'archivist', 'system'] as const) {
      const token = await createApiToken(stack.runtime.db, `README roles: ${role}`, role);
      const imported = await api('POST', `/units/${UNIT}/certificates`, attempt, token);
      const revoked = await api('POST', `/certificates/${before[0].id}/revoke`, { reason: 'not mine to revoke' }, token);
      const catalogImport = await api('POST', '/catalog', catalog, token);
      expect([role, imported.status, revoked.status, catalogImport.status]).toEqual([role, 403, 403, 403]);
      expect(imported.body.error.code).toBe('forbidden');
    }
    // Nothing changed, and the same requests do pass the admin's check (the 403 was the role, not the body).
    expect((await api('GET', `/units/${UNIT}/certificates`)).body.certificates).toEqual(before);
    expect([200, 201]).toContain((await api('POST', '/catalog', catalog)).status);
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
    givenPasswords.add('gia hạn 2026');
    form.set('password', 'gia hạn 2026');
    const renewedP12 = toPkcs12(renewed, [devCa.certificatePem], 'gia hạn 2026', 'renewed');
    uploadedP12s.push(Buffer.from(renewedP12));
    form.set('p12', new Blob([new Uint8Array(renewedP12)]), 'renewed.p12');
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
    firstRecordId = recordId;
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

describe('renewal, seals, and revocation asked of the certificate\'s OCSP responder', () => {
  const PASSWORD_ENV = 'SOHOA_TEST_UNIT_P12_PASSWORD';
  let ocsp: TestOcspResponder;
  let ocspPort: number;
  let renewed: IssuedCertificate;
  let sealA: Buffer;
  let sealB: Buffer;
  let secondRecordId: string;
  let thirdRecordId: string;
  const unitSignature = (report: any) => report.signatures.find((check: any) => check.signer === 'UBND phường Mẫu');

  /** The API as a server started with these settings would run it, on the same database and object store. */
  async function serverWith(env: Record<string, string>): Promise<{ url: string; close(): Promise<void> }> {
    const config = loadConfig({ DATA_DIR: stack.dataDir, TRUST_ANCHORS_DIR: trustDir, SECRETS_DIR: work, OUTBOUND_ALLOW_PRIVATE: 'on', ...env });
    const { db, store, queue } = stack.runtime;
    const app = createApp({ db, store, queue, log: createLogger('silent'), maxUploadBytes: config.limits.maxUploadBytes, spoolDir: config.spoolDir, signing: { ...config.signing, pkiDir: config.pkiDir } });
    const server: Server = await new Promise((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    const { port } = server.address() as { port: number };
    return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
  }

  beforeAll(async () => {
    // Two seal scans that differ: a JPEG is embedded as it is, so its bytes in the PDF show which seal was drawn.
    const seal = (background: string) => sharp({ create: { width: 96, height: 96, channels: 3, background } }).jpeg().toBuffer();
    [sealA, sealB] = await Promise.all([seal('#c0101b'), seal('#a02030')]);
    ocspPort = await freePort();
    renewed = certificate('UBND phường Mẫu', { from: -1, to: 365 }, devCa, { ocspResponderUrl: `http://127.0.0.1:${ocspPort}/` });
    ocsp = await startOcspResponder(path.join(work, 'ocsp'), { authority: devCa, signer: devCa, entries: [{ certificatePem: renewed.certificatePem }], nextUpdateMinutes: 10, port: ocspPort });
  });
  afterAll(async () => {
    await ocsp?.stop();
    delete process.env[PASSWORD_ENV];
  });

  it('imports with passwordEnv and sealPath: the next record carries that seal', async () => {
    const files = await p12Files('unit-env', certificate('UBND phường Mẫu', { from: -1, to: 365 }, devCa), devCa, 'mật khẩu môi trường');
    process.env[PASSWORD_ENV] = 'mật khẩu môi trường';
    const sealPath = path.join(work, 'seal-a.jpg');
    await fs.writeFile(sealPath, sealA);
    const imported = await api('POST', `/units/${UNIT}/certificates`, { p12Path: files.p12Path, passwordEnv: PASSWORD_ENV, sealPath });
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({ role: 'unit', active: true, passwordFrom: 'environment', status: { maySign: true } });

    const { recordId } = await signedRecord();
    expect(recordId).toBeTruthy();
    secondRecordId = recordId;
    const pdf = await recordPdf(recordId);
    expect(pdf.includes(sealA)).toBe(true);
  });

  it('renewal by upload with a seal image: earlier records still verify, the next one carries the new seal, its responder says good', async () => {
    const form = new FormData();
    givenPasswords.add('gia hạn lần hai');
    form.set('password', 'gia hạn lần hai');
    const renewedP12 = toPkcs12(renewed, [devCa.certificatePem], 'gia hạn lần hai', 'renewed-ocsp');
    uploadedP12s.push(Buffer.from(renewedP12));
    form.set('p12', new Blob([new Uint8Array(renewedP12)]), 'renewed.p12');
    form.set('seal', new Blob([new Uint8Array(sealB)]), 'seal.jpg');
    const response = await fetch(`${stack.url}/api/v1/units/${UNIT}/certificates`, { method: 'POST', body: form, headers: { authorization: `Bearer ${stack.token}` } });
    expect(response.status).toBe(201);
    const units = (await api('GET', `/units/${UNIT}/certificates`)).body.certificates.filter((item: any) => item.role === 'unit');
    expect(units.filter((item: any) => item.active).map((item: any) => item.passwordFrom)).toEqual(['encrypted']);
    expect(units.find((item: any) => item.passwordFrom === 'environment').active).toBe(false);
    // The upload and its seal are in the certificate's row, for any worker: the .p12 sealed with its password, no file.
    const { rows } = await stack.runtime.db.query(
      `SELECT p12_path, password_path, password_env, p12_sealed, seal_path, seal_image FROM unit_certificates WHERE unit_id = (SELECT id FROM units WHERE code = $1) AND role = 'unit' AND active`,
      [UNIT],
    );
    expect(rows[0]).toMatchObject({ p12_path: null, password_path: null, password_env: null, seal_path: null });
    expect(rows[0].p12_sealed.length).toBeGreaterThan(renewedP12.length);
    expect(rows[0].seal_image.equals(sealB)).toBe(true);
    expect(await fs.readdir(path.join(stack.dataDir, 'pki', 'units')).catch(() => 'none')).toBe('none');

    // Renewal keeps what was signed before: both earlier records, by now-inactive certificates, still verify.
    for (const id of [firstRecordId, secondRecordId]) {
      const earlier = await api('GET', `/records/${id}/verify`);
      expect([id, earlier.body.valid, earlier.body.problems]).toEqual([id, true, []]);
    }

    const asked = ocsp.requests();
    const { recordId } = await signedRecord();
    expect(recordId).toBeTruthy();
    thirdRecordId = recordId;
    const pdf = await recordPdf(recordId);
    expect([pdf.includes(sealB), pdf.includes(sealA)]).toEqual([true, false]);
    const verified = await api('GET', `/records/${recordId}/verify`);
    expect(verified.body.valid).toBe(true);
    expect(unitSignature(verified.body).revocation).toMatchObject({ status: 'good' });
    expect(unitSignature(verified.body).revocation.source).toContain(`OCSP responder http://127.0.0.1:${ocspPort}/`);
    expect(verified.body.text).toContain('revocation: not revoked (OCSP responder');
    expect(ocsp.requests()).toBeGreaterThan(asked);
  });

  it('REVOCATION_FETCH=off on the server asks no responder: revocation unknown, not valid; valid with REVOCATION_SOFT_FAIL=on, and it says so', async () => {
    const asked = ocsp.requests();
    const strict = await serverWith({ REVOCATION_FETCH: 'off' });
    const soft = await serverWith({ REVOCATION_FETCH: 'off', REVOCATION_SOFT_FAIL: 'on' });
    try {
      const off = (await api('GET', `/records/${thirdRecordId}/verify`, undefined, stack.token, strict.url)).body;
      expect(off.valid).toBe(false);
      expect(unitSignature(off).revocation.status).toBe('unknown');
      expect(unitSignature(off).revocation.source).toContain('revocation fetching is off (REVOCATION_FETCH=off)');
      expect(off.text).toContain('revocation: UNKNOWN, not checked: revocation fetching is off');
      expect(off.problems.join('\n')).toContain('revocation could not be checked');

      const accepted = (await api('GET', `/records/${thirdRecordId}/verify`, undefined, stack.token, soft.url)).body;
      expect(accepted.valid).toBe(true);
      expect(unitSignature(accepted).revocation.status).toBe('unknown');
      expect(unitSignature(accepted).notes.join('\n')).toContain('accepted only because soft-fail is on (REVOCATION_SOFT_FAIL)');
      expect(accepted.text.split('\n')[0]).toMatch(/^VALID ONLY BY SOFT-FAIL: 2 signatures, .* revocation was NOT checked for 1 of them/);
    } finally {
      await Promise.all([strict.close(), soft.close()]);
    }
    expect(ocsp.requests()).toBe(asked);
  });

  it('a server without SIGNING_KEY_ENCRYPTION_KEY refuses uploads with 503 and says which setting to set; with another key it cannot open the uploads', async () => {
    // A unit of its own, so that what is imported here does not sign the records of the others.
    const other = { code: '000.00.00.K00', name: 'UBND xã Không Khóa' };
    await stack.runtime.db.query('INSERT INTO units (code, name) VALUES ($1, $2)', [other.code, other.name]);
    const keyless = await serverWith({});
    try {
      const p12 = toPkcs12(certificate(other.name, { from: -1, to: 365 }, devCa), [devCa.certificatePem], 'pw-keyless', 'keyless');
      const refused = await uploadCertificate(p12, 'pw-keyless', {}, keyless.url, other.code);
      expect(refused.status).toBe(503);
      expect(refused.body.error.code).toBe('key-encryption-key-missing');
      expect(refused.body.error.message).toContain('SIGNING_KEY_ENCRYPTION_KEY');
      // Path imports need no key-encryption key.
      const files = await p12Files('keyless-path', certificate(other.name, { from: -1, to: 365 }, devCa), devCa);
      const byPath = await api('POST', `/units/${other.code}/certificates`, files, stack.token, keyless.url);
      expect([byPath.status, byPath.body.passwordFrom]).toEqual([201, 'file']);
    } finally {
      await keyless.close();
    }
    // The active unit certificate is a sealed upload: opened with another deployment's key, it does not open.
    const { rows } = await stack.runtime.db.query(`SELECT * FROM unit_certificates WHERE role = 'unit' AND active`);
    const wrongKeys = createKeyTransports({ keyEncryptionKey: Buffer.alloc(32, 7) });
    const opened = await unlockCertificate(rows[0], wrongKeys).then(() => 'opened', (error) => error.code);
    expect(opened).toBe('sealed-key-unreadable');
  });

  it('GET /records/:id/verify: a responder that is down, or answers "unknown", leaves revocation unknown and the record not valid', async () => {
    await ocsp.stop();
    const down = (await api('GET', `/records/${thirdRecordId}/verify`)).body;
    expect(down.valid).toBe(false);
    expect(unitSignature(down).revocation).toEqual({ status: 'unknown', source: `OCSP responder http://127.0.0.1:${ocspPort}/: it could not be reached or gave no usable answer` });
    expect(down.text).toContain('revocation: UNKNOWN, not checked: OCSP responder');
    expect(down.text).not.toContain('revocation: not revoked (OCSP');

    // The same responder back, with an index that does not list the certificate.
    ocsp = await startOcspResponder(path.join(work, 'ocsp-forgetful'), { authority: devCa, signer: devCa, entries: [{ certificatePem: devCa.certificatePem }], nextUpdateMinutes: 10, port: ocspPort });
    const forgetful = (await api('GET', `/records/${thirdRecordId}/verify`)).body;
    expect(forgetful.valid).toBe(false);
    expect(unitSignature(forgetful).revocation.status).toBe('unknown');
    expect(unitSignature(forgetful).revocation.source).toContain('it does not know this certificate (status unknown');
  });
});

describe('sohoa sign and sohoa verify', () => {
  const sohoa = path.join(repoRoot, 'bin', 'sohoa.js');

  it('signs any PDF with a PKCS#12 (B-T), signs it again, and verify accepts both; a wrong password is refused', async () => {
    const pki = path.join(stack.dataDir, 'pki');
    const input = path.join(work, 'cli-in.pdf');
    const { samplePdf } = await import('@sohoa/signer/testing');
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

describe('secrets, after everything above', () => {
  /** Every file under `dir`, with its mode; files that vanish while walking (PostgreSQL's) are skipped. */
  async function filesUnder(dir: string): Promise<Array<{ file: string; mode: number }>> {
    const found: Array<{ file: string; mode: number }> = [];
    for (const entry of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) found.push(...(await filesUnder(file)));
      else if (entry.isFile()) {
        const stat = await fs.stat(file).catch(() => null);
        if (stat) found.push({ file, mode: stat.mode & 0o777 });
      }
    }
    return found;
  }

  it('no certificate password or uploaded .p12 is in a database row, a pg-boss job, a log line or a stored file; only the development unit keeps a 0600 password file', async () => {
    const pki = path.join(stack.dataDir, 'pki');
    const devPasswordFile = path.join(pki, `${UNIT}.password`);
    const devPassword = (await fs.readFile(devPasswordFile, 'utf8')).trim();
    givenPasswords.add(devPassword);
    const secrets = [...givenPasswords];
    expect(secrets.length).toBeGreaterThanOrEqual(14);
    // A 32-byte stretch of each uploaded .p12 that no other .p12 here has (not the CA certificate they share, say):
    // found anywhere, the upload was stored in clear.
    const p12s = [...uploadedP12s, await fs.readFile(path.join(pki, `${UNIT}.p12`))];
    const uploads = uploadedP12s.map((p12) => {
      for (let at = 0; at + 32 <= p12.length; at += 16) {
        const stretch = p12.subarray(at, at + 32);
        if (p12s.every((other) => other === p12 || !other.includes(stretch))) return stretch;
      }
      throw new Error('an uploaded .p12 with nothing of its own');
    });
    expect(uploads.length).toBeGreaterThanOrEqual(8);
    const leaks = (where: string, text: string) => [
      ...secrets.filter((secret) => text.includes(secret) || text.includes(JSON.stringify(secret).slice(1, -1))).map((secret) => `${secret} in ${where}`),
      ...uploads.filter((bytes) => text.includes(bytes.toString('hex')) || text.includes(bytes.toString('base64'))).map((_, index) => `upload ${index} in ${where}`),
    ];

    // Every row of every table sohoa and pg-boss keep, as text (bytea as hex).
    const { rows: tables } = await stack.runtime.db.query<{ name: string }>(
      `SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.tables
        WHERE table_schema IN ('public', 'pgboss') AND table_type = 'BASE TABLE'`,
    );
    let dump = '';
    for (const { name } of tables) {
      const { rows } = await stack.runtime.db.query<{ row: string }>(`SELECT t::text AS row FROM ${name} t`);
      dump += rows.map((row) => `${name} ${row.row}\n`).join('');
    }
    expect(tables.map((table) => table.name)).toEqual(expect.arrayContaining(['public.unit_certificates', 'pgboss.job']));
    expect(dump).toContain('document.sign'); // the jobs' data is in the dump
    expect(dump).toContain('SOHOA_TEST_UNIT_P12_PASSWORD'); // the name of the variable, not its value
    const { rows: sealed } = await stack.runtime.db.query<{ n: number }>('SELECT count(*)::int AS n FROM unit_certificates WHERE p12_sealed IS NOT NULL');
    expect(sealed[0]!.n).toBeGreaterThanOrEqual(2); // the uploads are in the dump, sealed
    expect(leaks('the database', dump)).toEqual([]);

    const logs = stack.logLines.join('');
    expect(logs).toContain('job finished');
    expect(leaks('the logs', logs)).toEqual([]);

    // Raw bytes of every file under the data folder, PostgreSQL's and the object store's included. Uploads have no
    // certificate password file: the development unit's, from the first start, is the only one.
    const files = await filesUnder(stack.dataDir);
    expect(files.filter(({ file }) => file.startsWith(pki) && file.endsWith('.password'))).toEqual([{ file: devPasswordFile, mode: 0o600 }]);
    const found: string[] = [];
    for (const { file } of files) {
      const bytes = await fs.readFile(file).catch(() => null);
      if (!bytes) continue;
      for (const secret of secrets) {
        if (file === devPasswordFile && secret === devPassword) continue; // its own password file
        if (bytes.includes(Buffer.from(secret, 'utf8'))) found.push(`${secret} in ${path.relative(stack.dataDir, file)}`);
      }
      for (const [index, upload] of uploads.entries()) if (bytes.includes(upload)) found.push(`upload ${index} in ${path.relative(stack.dataDir, file)}`);
    }
    expect(files.length).toBeGreaterThan(100);
    expect(found).toEqual([]);

    // The admin token and the key that seals uploads: readable by the service alone. No upload left a file behind.
    const modes = files.filter(({ file }) => [path.join(stack.dataDir, 'credentials.json'), path.join(stack.dataDir, 'signing-key-encryption.key')].includes(file));
    expect(modes).toHaveLength(2);
    for (const { file, mode } of modes) expect([file, mode.toString(8)]).toEqual([file, '600']);
    expect(files.filter(({ file }) => file.startsWith(path.join(pki, 'units') + path.sep))).toEqual([]);
    // README: the development CA and the unit's certificate, key and password under data/pki, files 0600.
    const pkiFiles = files.filter(({ file }) => file.startsWith(pki + path.sep));
    expect(pkiFiles.map(({ file }) => path.basename(file))).toEqual(expect.arrayContaining(['ca.pem', 'ca-key.pem', `${UNIT}.p12`, `${UNIT}.password`]));
    for (const { file, mode } of pkiFiles) expect([file, mode.toString(8)]).toEqual([file, '600']);
  });
});
