/**
 * The key transports, chosen in one place: a .p12 on disk with its password in
 * a secret file or a variable, or an upload sealed under the key-encryption
 * key; and where that key comes from (the setting, or the embedded default's 0600 file).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, parseKeyEncryptionKey } from '@sohoa/shared';
import { createCertificateAuthority, issueCertificate, toPkcs12 } from './certificate-issuer.ts';
import { createKeyTransports, loadKeyEncryptionKey, SignerError, verifyPdf, signPdf } from './index.ts';
import { samplePdf } from './testing/index.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
let dir: string;
let caPem: string;
let p12: Uint8Array;
const password = 'mật khẩu tải lên';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => null, (caught: unknown) => caught);
  if (!error) return 'opened';
  expect(error).toBeInstanceOf(SignerError);
  return (error as SignerError).code;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sohoa-transports-'));
  const now = Date.now();
  const ca = createCertificateAuthority({ subject: { commonName: 'transport test CA', country: 'VN' }, notBefore: new Date(now - DAY_MS), notAfter: new Date(now + 365 * DAY_MS) });
  caPem = ca.certificatePem;
  const unit = issueCertificate({ subject: { commonName: 'UBND phường Niêm Phong', country: 'VN' }, notBefore: new Date(now - DAY_MS), notAfter: new Date(now + 90 * DAY_MS), keyUsage: ['digitalSignature'] }, ca);
  p12 = toPkcs12(unit, [caPem], password, 'unit');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('createKeyTransports', () => {
  it('opens a .p12 file with its password from a secret file or a variable, and refuses a wrong one', async () => {
    const p12Path = path.join(dir, 'unit.p12');
    const passwordFile = path.join(dir, 'unit.password');
    await writeFile(p12Path, p12);
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
    const keys = createKeyTransports({ env: { UNIT_PASSWORD: password, WRONG: 'sai' } });
    const byFile = await keys.open({ transport: 'pkcs12-file', p12Path, password: { file: passwordFile } });
    const byEnv = await keys.open({ transport: 'pkcs12-file', p12Path, password: { env: 'UNIT_PASSWORD' } });
    expect([byFile.subjectName, byEnv.subjectName]).toEqual(['UBND phường Niêm Phong', 'UBND phường Niêm Phong']);
    expect(await codeOf(keys.open({ transport: 'pkcs12-file', p12Path, password: { env: 'WRONG' } }))).toBe('wrong-password');
    expect(await codeOf(keys.open({ transport: 'pkcs12-file', p12Path, password: { env: 'UNSET' } }))).toBe('missing-password');
  });

  it('seals an upload and opens it again to a key that signs a record the verifier accepts', async () => {
    const keys = createKeyTransports({ keyEncryptionKey: randomBytes(32) });
    expect(keys.canSeal).toBe(true);
    const certificateId = '0b8a9e64-3c1f-4f5e-9a77-2d4c6b1e0f93';
    const sealed = keys.seal(certificateId, { p12, password });
    const key = await keys.open({ transport: 'pkcs12-sealed', certificateId, sealed });
    expect(key.algorithm).toBe('rsa-pkcs1-sha256');
    const report = await verifyPdf(await signPdf(await samplePdf(1), key), { trustAnchorsPem: [caPem] });
    expect([report.valid, report.signatures[0]!.signer]).toEqual([true, 'UBND phường Niêm Phong']);

    // Another deployment's key, or none at all, opens nothing.
    expect(await codeOf(createKeyTransports({ keyEncryptionKey: randomBytes(32) }).open({ transport: 'pkcs12-sealed', certificateId, sealed }))).toBe('sealed-key-unreadable');
    const keyless = createKeyTransports();
    expect(keyless.canSeal).toBe(false);
    expect(await codeOf(keyless.open({ transport: 'pkcs12-sealed', certificateId, sealed }))).toBe('key-encryption-key-missing');
    expect(() => keyless.seal(certificateId, { p12, password })).toThrow(/SIGNING_KEY_ENCRYPTION_KEY/);
  });
});

describe('the key-encryption key', () => {
  it('SIGNING_KEY_ENCRYPTION_KEY takes 32 bytes as base64 or hex, and refuses anything else without echoing it', () => {
    const bytes = randomBytes(32);
    expect(parseKeyEncryptionKey(bytes.toString('base64'))?.equals(bytes)).toBe(true);
    expect(parseKeyEncryptionKey(bytes.toString('hex'))?.equals(bytes)).toBe(true);
    expect(parseKeyEncryptionKey(randomBytes(16).toString('base64'))).toBeNull();
    expect(loadConfig({ SIGNING_KEY_ENCRYPTION_KEY: bytes.toString('hex') }).signing.keyEncryptionKey?.equals(bytes)).toBe(true);
    expect(() => loadConfig({ SIGNING_KEY_ENCRYPTION_KEY: 'hunter2-not-a-key' })).toThrow(/SIGNING_KEY_ENCRYPTION_KEY: 32 bytes/);
    expect(() => loadConfig({ SIGNING_KEY_ENCRYPTION_KEY: 'hunter2-not-a-key' })).not.toThrow(/hunter2/);
  });

  it('the embedded default creates a 0600 file once and reads it back; without it and without create there is none', async () => {
    const file = path.join(dir, 'kek', 'signing-key-encryption.key');
    expect(await loadKeyEncryptionKey({ file, create: false })).toEqual({ key: null, source: 'none' });
    const created = await loadKeyEncryptionKey({ file, create: true });
    expect(created.source).toBe('created');
    expect(((await stat(file)).mode & 0o777).toString(8)).toBe('600');
    const again = await loadKeyEncryptionKey({ file, create: true });
    expect(again.source).toBe('file');
    expect(Buffer.from(again.key!).equals(Buffer.from(created.key!))).toBe(true);
    // The setting wins over the file.
    const configured = randomBytes(32);
    expect(await loadKeyEncryptionKey({ configured, file, create: true })).toEqual({ key: configured, source: 'setting' });

    // A damaged file stops the start instead of being replaced (which would orphan every sealed upload).
    await writeFile(file, 'not a key\n');
    await expect(loadKeyEncryptionKey({ file, create: true })).rejects.toThrow(/restore it from a backup/);
    expect(await readFile(file, 'utf8')).toBe('not a key\n');
  });
});
