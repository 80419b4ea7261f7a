/**
 * The seam in front of the private key: the PAdES code signs with any
 * `SigningKey`. A key that is no PKCS#12 (a node:crypto KeyObject, as a PEM
 * from a secret store would give) makes the same CMS as the PKCS#12 transport
 * for RSA, and records OpenSSL and sohoa's verifier accept for RSA and ECDSA; a
 * transport whose signature its certificate does not verify is refused.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, createPrivateKey, generateKeyPairSync, sign, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateAuthority, issueCertificate, toPkcs12, type IssuedCertificate } from './certificate-issuer.ts';
import { buildCadesSignature } from './cms.ts';
import { keyObjectSigningKey, loadPkcs12, SignerError, signPdf, verifyPdf, type SigningKey } from './index.ts';
import { opensslCmsView, samplePdf } from './testing/index.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
let dir: string;
let authority: IssuedCertificate;
let rsaUnit: IssuedCertificate;
/** An ECDSA P-256 key and its certificate, made by OpenSSL and signed by the same authority. */
let ecdsa: { keyPem: string; certificatePem: string };

const x509 = (pem: string) => new X509Certificate(pem);

/** Each signature's signed byte ranges and its CMS, found by /ByteRange as any verifier finds them. */
function signedParts(pdf: Uint8Array): Array<{ signedBytes: Buffer; cms: Buffer }> {
  const text = Buffer.from(pdf).toString('latin1');
  return [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)].map((match) => {
    const [a, b, c, d] = match.slice(1).map(Number) as [number, number, number, number];
    const hex = text.slice(a + b + 1, c - 1);
    return { signedBytes: Buffer.concat([Buffer.from(pdf.subarray(a, a + b)), Buffer.from(pdf.subarray(c, c + d))]), cms: Buffer.from(hex, 'hex') };
  });
}

/** OpenSSL's verdict on a signature over the PDF's signed ranges, chained to the authority. */
async function opensslVerifies(pdf: Uint8Array, name: string): Promise<string> {
  const [{ signedBytes, cms }] = signedParts(pdf) as [{ signedBytes: Buffer; cms: Buffer }];
  const content = path.join(dir, `${name}.content`);
  const caFile = path.join(dir, 'ca.pem');
  await writeFile(content, signedBytes);
  await writeFile(caFile, authority.certificatePem);
  // The CMS's DER is followed by /Contents' zero padding: OpenSSL reads the first object and stops.
  const run = spawnSync('openssl', ['cms', '-verify', '-inform', 'DER', '-binary', '-content', content, '-CAfile', caFile, '-purpose', 'any', '-out', '/dev/null'], { input: cms, encoding: 'utf8' });
  return `${run.status} ${run.stderr}`;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sohoa-seam-'));
  const now = Date.now();
  authority = createCertificateAuthority({ subject: { commonName: 'sohoa seam test CA', country: 'VN' }, notBefore: new Date(now - DAY_MS), notAfter: new Date(now + 365 * DAY_MS) });
  rsaUnit = issueCertificate(
    { subject: { commonName: 'UBND phường Khóa Rời', country: 'VN' }, notBefore: new Date(now - DAY_MS), notAfter: new Date(now + 90 * DAY_MS), keyUsage: ['digitalSignature', 'nonRepudiation'] },
    authority,
  );
  await writeFile(path.join(dir, 'ca.pem'), authority.certificatePem);
  await writeFile(path.join(dir, 'ca-key.pem'), authority.privateKeyPem, { mode: 0o600 });
  await writeFile(path.join(dir, 'ext.cnf'), 'keyUsage=critical,digitalSignature,nonRepudiation\nbasicConstraints=critical,CA:FALSE\n');
  execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ec-key.pem', '-out', 'ec.csr', '-subj', '/C=VN/CN=UBND xã Khóa Cong', '-utf8'], { cwd: dir, stdio: 'ignore' });
  execFileSync('openssl', ['x509', '-req', '-in', 'ec.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-days', '30', '-sha256', '-extfile', 'ext.cnf', '-out', 'ec.pem'], { cwd: dir, stdio: 'ignore' });
  ecdsa = { keyPem: await readFile(path.join(dir, 'ec-key.pem'), 'utf8'), certificatePem: await readFile(path.join(dir, 'ec.pem'), 'utf8') };
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the SigningKey seam', () => {
  it('an RSA KeyObject key and the PKCS#12 transport of the same key make the same CMS, byte for byte', async () => {
    const chain = [x509(rsaUnit.certificatePem), x509(authority.certificatePem)];
    const plain = keyObjectSigningKey(createPrivateKey(rsaUnit.privateKeyPem), chain);
    const fromP12 = await loadPkcs12(toPkcs12(rsaUnit, [authority.certificatePem], 'pw', 'unit'), 'pw');
    const input = (key: SigningKey) => ({
      documentDigest: createHash('sha256').update('một hồ sơ').digest(),
      signerCertificateDer: new Uint8Array(chain[0]!.raw),
      chainDer: [new Uint8Array(chain[1]!.raw)],
      key,
    });
    const [a, b] = [await buildCadesSignature(input(plain)), await buildCadesSignature(input(fromP12))];
    expect(a.length).toBeGreaterThan(1000);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true); // RSA PKCS#1 v1.5 is deterministic: any difference is the seam's
  });

  it('signPdf with KeyObject keys that are no PKCS#12: RSA and ECDSA records that OpenSSL and sohoa verify', async () => {
    const keys = {
      rsa: keyObjectSigningKey(createPrivateKey(rsaUnit.privateKeyPem), [x509(rsaUnit.certificatePem), x509(authority.certificatePem)]),
      ecdsa: keyObjectSigningKey(createPrivateKey(ecdsa.keyPem), [x509(ecdsa.certificatePem), x509(authority.certificatePem)]),
    };
    expect([keys.rsa.algorithm, keys.ecdsa.algorithm]).toEqual(['rsa-pkcs1-sha256', 'ecdsa-sha256']);
    for (const [name, key] of Object.entries(keys)) {
      const signed = await signPdf(await samplePdf(1), key, { appearance: { role: 'unit', name: `seam ${name}` } });
      const report = await verifyPdf(signed, { trustAnchorsPem: [authority.certificatePem] });
      expect([name, report.valid, report.problems]).toEqual([name, true, []]);
      expect(report.signatures[0]!.signer).toBe(name === 'rsa' ? 'UBND phường Khóa Rời' : 'UBND xã Khóa Cong');
      expect(await opensslVerifies(signed, name)).toMatch(/^0 CMS Verification successful/);
      const { printed } = opensslCmsView(signedParts(signed)[0]!.cms);
      expect(printed).toMatch(name === 'rsa' ? /signatureAlgorithm:\s+algorithm: sha256WithRSAEncryption/ : /signatureAlgorithm:\s+algorithm: ecdsa-with-SHA256/);
    }
  });

  it('refuses a key that is not the certificate\'s, and a transport whose signature the certificate does not verify', async () => {
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const chain = [x509(rsaUnit.certificatePem), x509(authority.certificatePem)];
    const mismatch = (() => {
      try {
        keyObjectSigningKey(stranger, chain);
        return null;
      } catch (error) {
        return error;
      }
    })();
    expect(mismatch).toBeInstanceOf(SignerError);
    expect((mismatch as SignerError).code).toBe('bad-key');

    // A token or remote signer that signs with another key than its certificate's: caught before the PDF is written.
    const liar: SigningKey = {
      certificateChain: chain,
      algorithm: 'rsa-pkcs1-sha256',
      sign: async (data) => new Uint8Array(sign('sha256', data, stranger)),
    };
    const refused = await signPdf(await samplePdf(1), liar).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SignerError);
    expect((refused as SignerError).code).toBe('bad-key');
  });
});
