/**
 * Signs with the development PKI and lets independent validators judge the
 * result: poppler's pdfsig with an NSS database, OpenSSL's CMS verifier, qpdf.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignerError, signPdf } from './index.ts';
import { samplePdf, createTestPki, opensslCmsView, type TestPki } from './testing/index.ts';

let pki: TestPki;
let nssDir: string;
let signedPath: string;
let signed: Uint8Array;
const signingTime = new Date(Date.now() - 60_000);

/** The two signed ranges and the DER in /Contents, found the way any verifier finds them. */
function extractSignature(pdf: Uint8Array): { signedBytes: Buffer; cms: Buffer } {
  const text = Buffer.from(pdf).toString('latin1');
  const match = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(text);
  if (!match) throw new Error('no /ByteRange');
  const [a, b, c, d] = match.slice(1).map(Number) as [number, number, number, number];
  const bytes = Buffer.from(pdf);
  let hex = text.slice(a + b + 1, c - 1).replace(/0+$/, '');
  if (hex.length % 2) hex += '0';
  return { signedBytes: Buffer.concat([bytes.subarray(a, a + b), bytes.subarray(c, c + d)]), cms: Buffer.from(hex, 'hex') };
}

function pdfsig(file: string): string {
  // Debian's pdfsig exits 0 even when the digest does not match: judge by the text.
  const run = spawnSync('pdfsig', ['-nssdir', `sql:${nssDir}`, file], { encoding: 'utf8' });
  return `${run.stdout}${run.stderr}`;
}

beforeAll(async () => {
  pki = await createTestPki();
  nssDir = path.join(pki.dir, 'nss');
  await mkdir(nssDir);
  execFileSync('certutil', ['-N', '-d', `sql:${nssDir}`, '--empty-password']);
  execFileSync('certutil', ['-A', '-d', `sql:${nssDir}`, '-n', 'sohoa development CA', '-t', 'CT,C,C', '-i', pki.files.caCertificatePath]);

  signed = await signPdf(await samplePdf(5), pki.unit, {
    signingTime,
    reason: 'Số hóa thành phần hồ sơ',
    location: 'Bộ phận một cửa phường Bến Nghé',
    contactInfo: 'motcua@bennghe.example.vn',
  });
  signedPath = path.join(pki.dir, 'signed.pdf');
  await writeFile(signedPath, signed);
});
afterAll(() => pki.cleanup());

describe('signPdf, judged by poppler (NSS)', () => {
  it('is valid, trusted and covers the whole document', () => {
    const output = pdfsig(signedPath);
    expect(output).toContain('Signature is Valid.');
    expect(output).toContain('Certificate is Trusted.');
    expect(output).toContain('Total document signed');
    expect(output).toContain('Signature Type: ETSI.CAdES.detached');
    expect(output).toContain('Signing Hash Algorithm: SHA-256');
    expect(output).toContain('Ủy ban nhân dân phường Bến Nghé');
  });

  it('reports a changed byte as a digest mismatch', async () => {
    const tampered = Uint8Array.from(signed);
    tampered[120] = tampered[120]! ^ 0x01;
    const tamperedPath = path.join(pki.dir, 'tampered.pdf');
    await writeFile(tamperedPath, tampered);
    const output = pdfsig(tamperedPath);
    expect(output).toContain('Signature #1'); // pdfsig read the signature
    expect(output).not.toContain('Signature is Valid.');
    expect(output).toMatch(/Digest Mismatch|Signature is Invalid/);
  });
});

describe('signPdf, judged by OpenSSL', () => {
  it('has a detached CMS that verifies over the byte ranges and chains to the CA', async () => {
    const { signedBytes, cms } = extractSignature(signed);
    await writeFile(path.join(pki.dir, 'content.bin'), signedBytes);
    await writeFile(path.join(pki.dir, 'signature.der'), cms);
    const run = spawnSync(
      'openssl',
      ['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'signature.der', '-content', 'content.bin', '-CAfile', pki.files.caCertificatePath, '-purpose', 'any', '-out', '/dev/null'],
      { cwd: pki.dir, encoding: 'utf8' },
    );
    expect(run.stderr).toContain('Verification successful');
    expect(run.status).toBe(0);
  });

  it('fails OpenSSL verification when the content differs', async () => {
    const { signedBytes, cms } = extractSignature(signed);
    signedBytes[50] = signedBytes[50]! ^ 0x01;
    await writeFile(path.join(pki.dir, 'content-changed.bin'), signedBytes);
    await writeFile(path.join(pki.dir, 'signature.der'), cms);
    const run = spawnSync(
      'openssl',
      ['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'signature.der', '-content', 'content-changed.bin', '-CAfile', pki.files.caCertificatePath, '-purpose', 'any', '-out', '/dev/null'],
      { cwd: pki.dir, encoding: 'utf8' },
    );
    expect(run.error).toBeUndefined(); // openssl ran: a missing binary must not pass for a refusal
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('CMS Verification failure');
  });

  it('signs content-type, message-digest and signing-certificate-v2 only, with SHA-256 and RSA', () => {
    const { cms } = extractSignature(signed);
    const { printed, signerInfo, signedAttributes } = opensslCmsView(cms);
    expect(signedAttributes).toEqual([
      'contentType (1.2.840.113549.1.9.3)',
      'messageDigest (1.2.840.113549.1.9.4)',
      'id-smime-aa-signingCertificateV2 (1.2.840.113549.1.9.16.2.47)',
    ]);
    expect(printed).not.toMatch(/signingTime/i);
    expect(signerInfo).toMatch(/digestAlgorithm:\s+algorithm: sha256/);
    expect(signerInfo).toMatch(/signatureAlgorithm:\s+algorithm: sha256WithRSAEncryption/);
    expect(printed).toContain('eContent: <ABSENT>'); // detached
  });
});

describe('signPdf, judged by qpdf and by reading the file', () => {
  it('passes qpdf --check', () => {
    const output = execFileSync('qpdf', ['--check', signedPath], { encoding: 'utf8' });
    expect(output).toContain('No syntax or stream encoding errors found');
  });

  it('writes the signature dictionary PAdES asks for', () => {
    const text = Buffer.from(signed).toString('latin1');
    expect(text).toMatch(/\/Type \/Sig\b/);
    expect(text).toContain('/Filter /Adobe.PPKLite');
    expect(text).toContain('/SubFilter /ETSI.CAdES.detached');
    const seconds = signingTime.toISOString().replace(/[-:T]/g, '').slice(0, 14);
    expect(text).toContain(`/M (D:${seconds}Z)`);
    expect(text).toMatch(/\/FT \/Sig/);
    expect(text).toMatch(/\/SigFlags 3/);
  });
});

describe('signPdf refuses identities that must not sign', () => {
  async function refusal(promise: Promise<unknown>): Promise<string> {
    const error = await promise.then(() => null, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(SignerError);
    return (error as SignerError).code;
  }

  it('refuses an expired certificate', async () => {
    expect(await refusal(signPdf(await samplePdf(1), pki.expired))).toBe('expired');
  });

  it('refuses a certificate not yet valid', async () => {
    expect(await refusal(signPdf(await samplePdf(1), pki.notYetValid))).toBe('not-yet-valid');
  });

  it('refuses a certificate without keyUsage', async () => {
    expect(await refusal(signPdf(await samplePdf(1), pki.withoutKeyUsage))).toBe('key-usage');
  });

  it('refuses bytes that are not a PDF', async () => {
    expect(await refusal(signPdf(new TextEncoder().encode('hello'), pki.unit))).toBe('bad-pdf');
  });
});
