import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { P12Signer } from '@signpdf/signer-p12';
import { ensureDevelopmentPki, loadPkcs12, signPdf } from '@sohoa/signer';
import { createCertificateAuthority } from '../../services/signer/src/certificate-issuer.ts';
import { samplePdf } from '@sohoa/signer/testing';
import { opensslAgrees, signatureHolds, tampered } from './check-signatures.ts';
import { signWithSignpdf, UnlockedKeySigner } from './forge-key-signer.ts';

describe("bench:sign's signature checks", () => {
  let dir: string;
  let pki: { caPem: string; p12: Buffer; password: string };
  let pdf: Uint8Array;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sohoa-bench-sign-spec-'));
    // An ASCII CA name: with Vietnamese letters in it, @signpdf's signatures cannot verify (see sign.bench.ts).
    const files = await ensureDevelopmentPki({ dir: path.join(dir, 'pki'), unitCode: '000.00.19.H29', unitName: 'UBND phuong Ben Nghe' });
    pki = {
      caPem: await readFile(files.caCertificatePath, 'utf8'),
      p12: await readFile(files.unitP12Path),
      password: (await readFile(files.unitPasswordPath, 'utf8')).trim(),
    };
    pdf = await samplePdf(2);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('accept sohoa and @signpdf signatures, and refuse a copy with one signed byte changed', async () => {
    const bySohoa = await signPdf(pdf, await loadPkcs12(pki.p12, pki.password), { reason: 'spec' });
    const bySignpdf = await signWithSignpdf(pdf, UnlockedKeySigner.fromPkcs12(pki.p12, pki.password));
    for (const signed of [bySohoa, bySignpdf]) {
      expect(await signatureHolds(signed, pki.caPem)).toEqual({ holds: true, why: '' });
      expect(await opensslAgrees(signed)).toBe(true);
      const broken = tampered(signed);
      expect((await signatureHolds(broken, pki.caPem)).holds).toBe(false);
      expect(await opensslAgrees(broken)).toBe(false);
    }
  });

  it('refuse a signature whose certificate does not chain to the trusted CA', async () => {
    const signed = await signPdf(pdf, await loadPkcs12(pki.p12, pki.password), { reason: 'spec' });
    const now = Date.now();
    const other = createCertificateAuthority({ subject: { commonName: 'Another CA', country: 'VN' }, notBefore: new Date(now - 60_000), notAfter: new Date(now + 86_400_000), keyBits: 2048 });
    expect((await signatureHolds(signed, other.certificatePem)).holds).toBe(false);
  });

  it('the key-kept @signpdf signer signs again where a P12Signer signs only once', async () => {
    const once = new P12Signer(pki.p12, { passphrase: pki.password });
    await signWithSignpdf(pdf, once);
    await expect(signWithSignpdf(pdf, once)).rejects.toThrow(/Too few bytes/);

    const kept = UnlockedKeySigner.fromPkcs12(pki.p12, pki.password);
    for (let round = 0; round < 2; round += 1) expect((await signatureHolds(await signWithSignpdf(pdf, kept), pki.caPem)).holds).toBe(true);
  });
});
