/**
 * The record as sohoa ships it: the officer's visible signature, then the
 * unit's with its seal, both B-T with a real RFC 3161 TSA (openssl ts),
 * appended as incremental updates. Judged by pdfsig (NSS), OpenSSL (cms,
 * ts) and qpdf; plus ECDSA keys, a TSA that does not answer, revocation.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OID } from './cms.ts';
import { trimToDer } from './cms-verify.ts';
import { SignerError, formatReport, loadPkcs12, signPdf, verifyPdf } from './index.ts';
import { createTestPki, opensslCmsView, samplePdf, type TestPki } from './testing/index.ts';
import { issueCrl, startTestTsa, type TestTsa } from './testing/index.ts';

let pki: TestPki;
let tsa: TestTsa;
let nssDir: string;
let anchorsFile: string;
let twiceSigned: Uint8Array;
let twiceSignedPath: string;

/** Every signature's two ranges and DER CMS, in file order, found the way any verifier finds them. */
function signatures(pdf: Uint8Array): Array<{ signedBytes: Buffer; cms: Buffer }> {
  const text = Buffer.from(pdf).toString('latin1');
  return [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)].map((match) => {
    const [a, b, c, d] = match.slice(1).map(Number) as [number, number, number, number];
    const bytes = Buffer.from(pdf);
    const contents = Buffer.from(text.slice(a + b + 1, c - 1), 'hex');
    return { signedBytes: Buffer.concat([bytes.subarray(a, a + b), bytes.subarray(c, c + d)]), cms: Buffer.from(trimToDer(contents)) };
  });
}

function pdfsig(file: string): string {
  const result = spawnSync('pdfsig', ['-nssdir', `sql:${nssDir}`, file], { encoding: 'utf8' });
  return `${result.stdout}${result.stderr}`;
}

beforeAll(async () => {
  pki = await createTestPki();
  tsa = await startTestTsa(path.join(pki.dir, 'tsa'), pki.authority);
  nssDir = path.join(pki.dir, 'nss');
  await mkdir(nssDir);
  execFileSync('certutil', ['-N', '-d', `sql:${nssDir}`, '--empty-password']);
  execFileSync('certutil', ['-A', '-d', `sql:${nssDir}`, '-n', 'sohoa test CA', '-t', 'CT,C,C', '-i', pki.files.caCertificatePath]);
  anchorsFile = pki.files.caCertificatePath;

  const timestampAuthority = { url: tsa.url };
  const byOfficer = await signPdf(await samplePdf(5), pki.officer, {
    reason: 'Số hóa thành phần hồ sơ',
    appearance: { role: 'officer', name: 'Nguyễn Thị Thu Hà' },
    timestampAuthority,
  });
  twiceSigned = await signPdf(byOfficer, pki.unit, {
    reason: 'Số hóa thành phần hồ sơ',
    appearance: { role: 'unit', name: 'Ủy ban nhân dân phường Bến Nghé' },
    timestampAuthority,
  });
  twiceSignedPath = path.join(pki.dir, 'twice-signed.pdf');
  await writeFile(twiceSignedPath, twiceSigned);
});
afterAll(async () => {
  await tsa?.stop();
  await pki?.cleanup();
});

describe('officer then unit, B-T, visible, incremental', () => {
  it('pdfsig finds two signatures, each valid and trusted; only the last covers the whole file', () => {
    const output = pdfsig(twiceSignedPath);
    expect(output).toContain('Signature #1');
    expect(output).toContain('Signature #2');
    expect(output.match(/Signature is Valid\./g)).toHaveLength(2);
    expect(output.match(/Certificate is Trusted\./g)).toHaveLength(2);
    expect(output).toContain('Nguyễn Thị Thu Hà');
    expect(output).toContain('Ủy ban nhân dân phường Bến Nghé');
    const second = output.slice(output.indexOf('Signature #2'));
    expect(second).toContain('Total document signed');
    expect(output.slice(0, output.indexOf('Signature #2'))).not.toContain('Total document signed');
  });

  it('keeps the officer revision byte for byte: the second signature is an appended update', async () => {
    const [first] = signatures(twiceSigned);
    const text = Buffer.from(twiceSigned).toString('latin1');
    expect(text.match(/%%EOF/g)!.length).toBeGreaterThanOrEqual(3);
    expect(first!.signedBytes.length).toBeLessThan(twiceSigned.length);
    expect(text).toMatch(/\/Prev \d+/);
  });

  it('passes qpdf --check', () => {
    const output = execFileSync('qpdf', ['--check', twiceSignedPath], { encoding: 'utf8' });
    expect(output).toContain('No syntax or stream encoding errors found');
  });

  it('has CMS that OpenSSL verifies over each byte range, with signing-certificate-v2, no signing-time and a time-stamp token', async () => {
    for (const [index, { signedBytes, cms }] of signatures(twiceSigned).entries()) {
      await writeFile(path.join(pki.dir, `content-${index}.bin`), signedBytes);
      await writeFile(path.join(pki.dir, `signature-${index}.der`), cms);
      const verified = spawnSync(
        'openssl',
        ['cms', '-verify', '-binary', '-inform', 'DER', '-in', `signature-${index}.der`, '-content', `content-${index}.bin`, '-CAfile', anchorsFile, '-purpose', 'any', '-out', '/dev/null'],
        { cwd: pki.dir, encoding: 'utf8' },
      );
      expect(verified.stderr).toContain('Verification successful');
      // The signer's own attributes; the TSA's token nested in unsignedAttrs has its own (and may carry signing-time).
      const { signerInfo, signedAttributes } = opensslCmsView(cms);
      expect(signedAttributes).toEqual([
        'contentType (1.2.840.113549.1.9.3)',
        'messageDigest (1.2.840.113549.1.9.4)',
        'id-smime-aa-signingCertificateV2 (1.2.840.113549.1.9.16.2.47)',
      ]);
      expect(signerInfo.slice(signerInfo.indexOf('unsignedAttrs:'))).toContain('id-smime-aa-timeStampToken');
    }
  });

  it('has time-stamp tokens over the signature values that openssl ts -verify accepts', async () => {
    for (const [index, { cms }] of signatures(twiceSigned).entries()) {
      const signedData = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(new Uint8Array(cms)).content });
      const signerInfo = signedData.signerInfos[0]!;
      const token = signerInfo.unsignedAttrs!.attributes.find((attribute) => attribute.type === OID.signatureTimeStampToken)!.values[0]!;
      await writeFile(path.join(pki.dir, `token-${index}.der`), new Uint8Array(token.toBER(false)));
      await writeFile(path.join(pki.dir, `signature-value-${index}.bin`), new Uint8Array(signerInfo.signature.valueBlock.valueHexView));
      const verified = spawnSync(
        'openssl',
        ['ts', '-verify', '-token_in', '-in', `token-${index}.der`, '-data', `signature-value-${index}.bin`, '-CAfile', anchorsFile],
        { cwd: pki.dir, encoding: 'utf8' },
      );
      expect(`${verified.stdout}${verified.stderr}`).toContain('Verification: OK');
      const tampered = Buffer.from(signerInfo.signature.valueBlock.valueHexView);
      tampered[0] = tampered[0]! ^ 0x01;
      await writeFile(path.join(pki.dir, `signature-value-${index}.bin`), tampered);
      const refused = spawnSync('openssl', ['ts', '-verify', '-token_in', '-in', `token-${index}.der`, '-data', `signature-value-${index}.bin`, '-CAfile', anchorsFile], { cwd: pki.dir, encoding: 'utf8' });
      expect(refused.error).toBeUndefined(); // openssl ran: a missing binary must not pass for a refusal
      expect(refused.status).not.toBe(0);
      expect(`${refused.stdout}${refused.stderr}`).toContain('Verification: FAILED');
    }
    expect(tsa.answered()).toBeGreaterThanOrEqual(2);
  });

  it('sohoa verify agrees: both intact, trusted, time-stamped', async () => {
    const report = await verifyPdf(twiceSigned, { trustAnchorsPem: [pki.caPem] });
    expect(report.problems).toEqual([]);
    expect(report.valid).toBe(true);
    expect(report.signatures.map((check) => check.signer)).toEqual(['Nguyễn Thị Thu Hà', 'Ủy ban nhân dân phường Bến Nghé']);
    for (const check of report.signatures) {
      expect(check.timestamp).toMatchObject({ valid: true, authority: 'sohoa test time-stamp authority' });
      expect(Math.abs(check.timestamp!.time!.getTime() - Date.now())).toBeLessThan(5 * 60_000);
    }
  });

  it('one byte changed inside a signed range: pdfsig and sohoa both say invalid', async () => {
    const tampered = Uint8Array.from(twiceSigned);
    tampered[200] = tampered[200]! ^ 0x01;
    const file = path.join(pki.dir, 'twice-tampered.pdf');
    await writeFile(file, tampered);
    const output = pdfsig(file);
    expect(output).toContain('Signature #2'); // pdfsig read both signatures…
    expect(output.match(/Signature is Valid\./g) ?? []).toHaveLength(0); // …and finds neither valid
    expect((await verifyPdf(tampered, { trustAnchorsPem: [pki.caPem] })).valid).toBe(false);
  });
});

describe('B-T fails loudly', () => {
  it('a TSA that does not answer fails the signature (to be retried), it does not downgrade to B-B', async () => {
    const error = await signPdf(await samplePdf(1), pki.unit, { timestampAuthority: { url: 'http://127.0.0.1:9/tsa', timeoutMs: 2000 } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SignerError);
    expect((error as SignerError).code).toBe('timestamp-unavailable');
  });
});

describe('ECDSA keys', () => {
  it('signs with a P-256 key from a PKCS#12 that OpenSSL made, and pdfsig accepts it', async () => {
    const dir = path.join(pki.dir, 'ec');
    await mkdir(dir);
    const caKey = path.join(pki.dir, 'pki', 'ca-key.pem');
    const ext = path.join(dir, 'ext.cnf');
    await writeFile(ext, 'keyUsage=critical,digitalSignature,nonRepudiation\nbasicConstraints=critical,CA:FALSE\n');
    execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'key.pem', '-out', 'req.csr', '-subj', '/C=VN/O=UBND xã Đông Hòa/CN=UBND xã Đông Hòa', '-utf8'], { cwd: dir });
    execFileSync('openssl', ['x509', '-req', '-in', 'req.csr', '-CA', pki.files.caCertificatePath, '-CAkey', caKey, '-CAcreateserial', '-days', '30', '-sha256', '-extfile', ext, '-out', 'cert.pem'], { cwd: dir });
    execFileSync('openssl', ['pkcs12', '-export', '-inkey', 'key.pem', '-in', 'cert.pem', '-certfile', pki.files.caCertificatePath, '-passout', 'pass:ec-secret', '-out', 'unit.p12'], { cwd: dir });

    const identity = await loadPkcs12(await readFile(path.join(dir, 'unit.p12')), 'ec-secret');
    expect(identity.privateKey.algorithm.name).toBe('ECDSA');
    expect(identity.subjectName).toBe('UBND xã Đông Hòa');
    const signed = await signPdf(await samplePdf(2), identity, { appearance: { role: 'unit', name: 'UBND xã Đông Hòa' } });
    const file = path.join(dir, 'signed.pdf');
    await writeFile(file, signed);
    const output = pdfsig(file);
    expect(output).toContain('Signature is Valid.');
    expect(output).toContain('Certificate is Trusted.');
    const { printed } = opensslCmsView(signatures(signed)[0]!.cms);
    expect(printed).toMatch(/signatureAlgorithm:\s+algorithm: ecdsa-with-SHA256/);
    expect((await verifyPdf(signed, { trustAnchorsPem: [pki.caPem] })).valid).toBe(true);
  });
});

describe('revocation', () => {
  it('a CRL that lists the signer makes a B-B signature invalid, and says so', async () => {
    const signed = await signPdf(await samplePdf(1), pki.officer);
    const crl = await issueCrl(pki.authority, [pki.officer.certificatePem], new Date(Date.now() - 3600_000));
    const report = await verifyPdf(signed, { trustAnchorsPem: [pki.caPem], revocation: { crls: [crl] } });
    expect(report.valid).toBe(false);
    expect(report.signatures[0]!.revocation.status).toBe('revoked');
    expect(report.problems.join('\n')).toContain("the signer's certificate was revoked on");

    const clean = await issueCrl(pki.authority, [pki.foreignCaPem].slice(0, 0), new Date());
    const good = await verifyPdf(signed, { trustAnchorsPem: [pki.caPem], revocation: { crls: [clean] } });
    expect(good.valid).toBe(true);
    expect(good.signatures[0]!.revocation).toMatchObject({ status: 'good', source: 'a configured CRL' });
    // The development CA names no responder and no CRL: there is nothing to ask, which is not "unknown".
    const unlisted = await verifyPdf(signed, { trustAnchorsPem: [pki.caPem] });
    expect(unlisted.signatures[0]!.revocation.status).toBe('not-offered');
    expect(unlisted.valid).toBe(true);
    expect(formatReport(unlisted)).toContain('revocation: none offered by the issuing authority (the certificate names no OCSP responder or CRL');
  });
});
