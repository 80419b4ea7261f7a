/**
 * PAdES B-LT and B-LTA: a B-T record signed by a certificate that names a real OCSP responder (openssl ocsp) is
 * extended with its validation data (DSS) and a document time-stamp (openssl ts), then the responder is stopped:
 * the record still verifies, its revocation answered by the DSS. pdfsig, openssl cms/ts and qpdf judge the file.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trimToDer } from './cms-verify.ts';
import { addDss, extendToLta, lastTimestampOf, ltvFactsOf, readDss } from './ltv.ts';
import { certificateFromPem } from './certificate.ts';
import { DEFAULT_OUTBOUND_LIMITS } from './outbound.ts';
import { signPdf, verifyPdf } from './index.ts';
import { createTestPki, freePort, issueTestIdentity, samplePdf, startOcspResponder, startTestTsa, type TestOcspResponder, type TestPki, type TestTsa } from './testing/index.ts';

let pki: TestPki;
let tsa: TestTsa;
let responder: TestOcspResponder;
let signed: Uint8Array;
let extended: Uint8Array;
let extendedPath: string;
let nssDir: string;
let unitCertificatePem: string;

/** Every signature's and time-stamp's covered bytes and DER contents, as any verifier finds them. */
function signedParts(pdf: Uint8Array): Array<{ signedBytes: Buffer; cms: Buffer; subFilter: string }> {
  const text = Buffer.from(pdf).toString('latin1');
  return [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)].map((match) => {
    const [a, b, c, d] = match.slice(1).map(Number) as [number, number, number, number];
    const bytes = Buffer.from(pdf);
    const around = text.slice(Math.max(0, match.index! - 400), match.index! + 400);
    return {
      signedBytes: Buffer.concat([bytes.subarray(a, a + b), bytes.subarray(c, c + d)]),
      cms: Buffer.from(trimToDer(Buffer.from(text.slice(a + b + 1, c - 1), 'hex'))),
      subFilter: /ETSI\.RFC3161/.test(around) ? 'ETSI.RFC3161' : 'ETSI.CAdES.detached',
    };
  });
}

beforeAll(async () => {
  pki = await createTestPki();
  tsa = await startTestTsa(path.join(pki.dir, 'tsa'), pki.authority);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const unit = await issueTestIdentity(pki.authority, 'UBND phường Lưu Trữ', { ocspResponderUrl: url });
  responder = await startOcspResponder(path.join(pki.dir, 'ocsp'), { authority: pki.authority, signer: pki.authority, entries: [{ certificatePem: unit.certificatePem }], port });
  unitCertificatePem = unit.certificatePem;
  signed = await signPdf(await samplePdf(2), unit, { timestampAuthority: { url: tsa.url } });
  const extension = await extendToLta(signed, { trustAnchorsPem: [pki.caPem], timestampAuthority: { url: tsa.url }, outbound: { ...DEFAULT_OUTBOUND_LIMITS, allowPrivate: true } });
  expect(extension.problems).toEqual([]);
  extended = extension.pdf;
  extendedPath = path.join(pki.dir, 'extended.pdf');
  await writeFile(extendedPath, extended);
  nssDir = path.join(pki.dir, 'nss');
  await mkdir(nssDir);
  execFileSync('certutil', ['-N', '-d', `sql:${nssDir}`, '--empty-password']);
  execFileSync('certutil', ['-A', '-d', `sql:${nssDir}`, '-n', 'sohoa test CA', '-t', 'CT,C,C', '-i', pki.files.caCertificatePath]);
}, 60_000);

afterAll(async () => {
  await responder?.stop();
  await tsa?.stop();
  await pki?.cleanup();
});

describe('PAdES B-LT / B-LTA', () => {
  it('keeps the original bytes and adds a DSS with the chain and the OCSP answer, then a document time-stamp', async () => {
    expect(Buffer.from(extended.subarray(0, signed.length)).equals(Buffer.from(signed))).toBe(true);
    const dss = readDss(await PDFDocument.load(extended));
    expect(dss.ocspResponses).toHaveLength(1);
    expect(dss.certificates.length).toBeGreaterThanOrEqual(2); // the signer and the CA (and the TSA's chain)
    const parts = signedParts(extended);
    expect(parts.map((p) => p.subFilter)).toEqual(['ETSI.CAdES.detached', 'ETSI.RFC3161']);
    const { time, expires } = await lastTimestampOf(extended);
    expect(Date.now() - time.getTime()).toBeLessThan(60_000);
    expect(expires.getTime()).toBeGreaterThan(Date.now());
  });

  it('reads the level and the expiries long-term validation works from off the file itself', async () => {
    const unitExpires = certificateFromPem(unitCertificatePem).notAfter.value;
    expect(await ltvFactsOf(signed)).toEqual({ level: 'B-T', signerCertificateExpires: unitExpires, lastDocumentTimestamp: null });
    const withDss = await addDss(signed, readDss(await PDFDocument.load(extended)));
    expect((await ltvFactsOf(withDss)).level).toBe('B-LT');
    const facts = await ltvFactsOf(extended);
    expect(facts.level).toBe('B-LTA');
    expect(facts.signerCertificateExpires).toEqual(unitExpires);
    expect(facts.lastDocumentTimestamp).toEqual(await lastTimestampOf(extended)); // the document time-stamp is the newest
    expect(facts.lastDocumentTimestamp!.expires).toEqual(certificateFromPem(tsa.certificatePem).notAfter.value);
  });

  it('verifies with the responder gone: revocation from the DSS, not from the network', async () => {
    await responder.stop();
    const options = { trustAnchorsPem: [pki.caPem], revocation: { online: true, fetchTimeoutMs: 1000, outbound: { ...DEFAULT_OUTBOUND_LIMITS, allowPrivate: true } } };
    const without = await verifyPdf(signed, options);
    expect(without.valid).toBe(false); // the plain B-T record needs the responder, which is gone
    expect(without.signatures[0]!.revocation.status).toBe('unknown');
    const report = await verifyPdf(extended, options);
    expect(report.problems).toEqual([]);
    expect(report.valid).toBe(true);
    expect(report.signatures[0]!.revocation).toMatchObject({ status: 'good', source: expect.stringContaining('kept in the document (DSS)') });
    expect(report.signatures[1]).toMatchObject({ subFilter: 'ETSI.RFC3161', integrity: true, chainTrusted: true, coversWholeDocument: true });
  });

  it('sohoa verify accepts it with the responder gone (exit 0), and names the DSS as the revocation source', () => {
    const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..');
    const result = spawnSync('node', [path.join(repoRoot, 'bin', 'sohoa.js'), 'verify', extendedPath, '--trust', pki.files.caCertificatePath], {
      encoding: 'utf8', env: { ...process.env, REVOCATION_FETCH: 'on', REVOCATION_SOFT_FAIL: 'off', DATA_DIR: pki.dir },
    });
    expect(`${result.stdout}${result.stderr}`).toMatch(/DSS/);
    expect(result.status).toBe(0);
  }, 60_000);

  it('a DSS added after the last signature without a document time-stamp leaves the record not valid (content nobody vouches for)', async () => {
    const onlyDss = await addDss(signed, readDss(await PDFDocument.load(extended)));
    const report = await verifyPdf(onlyDss, { trustAnchorsPem: [pki.caPem], revocation: { online: false } });
    expect(report.valid).toBe(false);
    expect(report.problems[0]).toMatch(/no signature covers the whole file/);
  });

  it('pdfsig still accepts the signature; openssl cms and ts verify every signature and the document time-stamp; qpdf --check passes', () => {
    const pdfsig = spawnSync('pdfsig', ['-nssdir', `sql:${nssDir}`, extendedPath], { encoding: 'utf8' });
    const output = `${pdfsig.stdout}${pdfsig.stderr}`;
    expect(output).toMatch(/Signature #1[\s\S]*Signature Validation: Signature is Valid/);
    expect(output).toContain('Signature #2');
    const qpdf = execFileSync('qpdf', ['--check', extendedPath], { encoding: 'utf8' });
    expect(qpdf).toContain('No syntax or stream encoding errors');

    const parts = signedParts(extended);
    for (const [index, part] of parts.entries()) {
      const cmsFile = path.join(pki.dir, `part-${index}.der`);
      const dataFile = path.join(pki.dir, `part-${index}.bin`);
      execFileSync('sh', ['-c', 'cat > "$0"', cmsFile], { input: part.cms });
      execFileSync('sh', ['-c', 'cat > "$0"', dataFile], { input: part.signedBytes });
      const result =
        part.subFilter === 'ETSI.RFC3161'
          ? spawnSync('openssl', ['ts', '-verify', '-token_in', '-in', cmsFile, '-data', dataFile, '-CAfile', pki.files.caCertificatePath], { encoding: 'utf8' })
          : spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', cmsFile, '-content', dataFile, '-CAfile', pki.files.caCertificatePath, '-purpose', 'any', '-out', '/dev/null'], { encoding: 'utf8' });
      expect(result.error).toBeUndefined();
      expect(`${result.stdout}${result.stderr}`, `part ${index}`).toMatch(/Verification: OK|Verification successful/);
    }
  });
});
