import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDevelopmentPki, loadPkcs12, SignerError, type DevelopmentPki } from './index.ts';

let root: string;
let dir: string;
let first: DevelopmentPki;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sohoa-dev-pki-'));
  dir = path.join(root, 'pki');
  first = await ensureDevelopmentPki({ dir, unitCode: 'H29.19.01', unitName: 'UBND phường Bến Nghé' });
});
afterAll(() => rm(root, { recursive: true, force: true }));

function openssl(args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8' });
}

describe('ensureDevelopmentPki', () => {
  it('creates the authority, the unit .p12 and its password, readable by the owner only', async () => {
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    for (const file of ['ca.pem', 'ca-key.pem', 'H29.19.01.p12', 'H29.19.01.password']) {
      expect((await stat(path.join(dir, file))).mode & 0o777, file).toBe(0o600);
    }
    expect(first.caCertificatePath).toBe(path.join(dir, 'ca.pem'));
  });

  it('issues a unit certificate OpenSSL accepts under the CA, for signatures only', async () => {
    const password = await readFile(first.unitPasswordPath, 'utf8');
    const unitPem = openssl(['pkcs12', '-in', first.unitP12Path, '-passin', `pass:${password}`, '-clcerts', '-nokeys']);
    const text = execFileSync('openssl', ['x509', '-noout', '-text', '-nameopt', 'utf8,sep_comma_plus_space'], { input: unitPem, encoding: 'utf8' });
    expect(text).toContain('CN=UBND phường Bến Nghé');
    expect(text).toContain('O=UBND phường Bến Nghé');
    expect(text).toContain('OU=H29.19.01');
    expect(text).toContain('C=VN');
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Non Repudiation/);
    expect(text).toContain('CA:FALSE');
    const verified = execFileSync('openssl', ['verify', '-CAfile', first.caCertificatePath], { input: unitPem, encoding: 'utf8' });
    expect(verified).toContain('OK');

    const identity = await loadPkcs12(await readFile(first.unitP12Path), password);
    const years = (identity.notAfter.getTime() - identity.notBefore.getTime()) / (365 * 24 * 3600 * 1000);
    expect(years).toBeGreaterThan(2.99);
    expect(years).toBeLessThan(3.01);
  });

  it('reuses what exists instead of replacing it', async () => {
    const before = await Promise.all([first.caCertificatePath, first.unitP12Path, first.unitPasswordPath].map((file) => readFile(file)));
    const again = await ensureDevelopmentPki({ dir, unitCode: 'H29.19.01', unitName: 'UBND phường Bến Nghé' });
    expect(again).toEqual(first);
    const after = await Promise.all([again.caCertificatePath, again.unitP12Path, again.unitPasswordPath].map((file) => readFile(file)));
    expect(after).toEqual(before);
  });

  it('adds a second unit under the same authority', async () => {
    const second = await ensureDevelopmentPki({ dir, unitCode: 'H29.19.02', unitName: 'UBND phường Đa Kao' });
    expect(second.caCertificatePath).toBe(first.caCertificatePath);
    const password = await readFile(second.unitPasswordPath, 'utf8');
    const unitPem = openssl(['pkcs12', '-in', second.unitP12Path, '-passin', `pass:${password}`, '-clcerts', '-nokeys']);
    expect(execFileSync('openssl', ['verify', '-CAfile', first.caCertificatePath], { input: unitPem, encoding: 'utf8' })).toContain('OK');
  });

  it('refuses a unit code that would escape the directory', async () => {
    await expect(ensureDevelopmentPki({ dir, unitCode: '../evil', unitName: 'x' })).rejects.toBeInstanceOf(SignerError);
  });
});
