import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPkcs12, SignerError } from './index.ts';
import { createTestPki, type TestPki } from './testing/index.ts';

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
});
afterAll(() => pki.cleanup());

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SignerError);
    return (error as SignerError).code;
  }
  return 'no error';
}

describe('loadPkcs12', () => {
  it('reads the unit certificate, its chain and its validity', async () => {
    const identity = pki.unit;
    expect(identity.subjectName).toBe('Ủy ban nhân dân phường Bến Nghé');
    expect(identity.chainPem).toHaveLength(1);
    expect(identity.chainPem[0]!.replace(/\s/g, '')).toBe(pki.caPem.replace(/\s/g, ''));
    expect(identity.notBefore.getTime()).toBeLessThan(Date.now());
    expect(identity.notAfter.getTime()).toBeGreaterThan(Date.now() + 2 * 365 * 24 * 3600 * 1000);
    expect(identity.privateKey.extractable).toBe(false);
  });

  it('says the password is wrong, with a code', async () => {
    expect(await codeOf(loadPkcs12(await readFile(pki.files.unitP12Path), 'not the password'))).toBe('wrong-password');
  });

  it('refuses a file that is not PKCS#12', async () => {
    expect(await codeOf(loadPkcs12(new TextEncoder().encode('%PDF-1.7 not a certificate'), 'x'))).toBe('bad-pkcs12');
  });

  it('reads a PKCS#12 written by OpenSSL 3 (PBES2, AES-256, SHA-256 MAC)', async () => {
    const unitPem = path.join(pki.dir, 'unit.pem');
    const opensslP12 = path.join(pki.dir, 'openssl.p12');
    const password = (await readFile(pki.files.unitPasswordPath, 'utf8')).trim();
    execFileSync('openssl', ['pkcs12', '-in', pki.files.unitP12Path, '-passin', `pass:${password}`, '-nodes', '-out', unitPem]);
    execFileSync('openssl', ['pkcs12', '-export', '-in', unitPem, '-passout', 'pass:mật khẩu', '-out', opensslP12]);
    const identity = await loadPkcs12(await readFile(opensslP12), 'mật khẩu');
    expect(identity.certificatePem.replace(/\s/g, '')).toBe(pki.unit.certificatePem.replace(/\s/g, ''));
    expect(await codeOf(loadPkcs12(await readFile(opensslP12), 'mat khau'))).toBe('wrong-password');
  });
});
