import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReport, signPdf, verifyPdf } from './index.ts';
import { embedSignature } from './pdf-signature.ts';
import { fillByteRange, fillContents, prepareForSigning } from './placeholder.ts';
import { samplePdf, createTestPki, type TestPki } from './testing/index.ts';

let pki: TestPki;
let signed: Uint8Array;
const trusted = () => ({ trustAnchorsPem: [pki.caPem] });

beforeAll(async () => {
  pki = await createTestPki();
  signed = await signPdf(await samplePdf(5), pki.unit, { reason: 'Số hóa', location: 'Bến Nghé' });
});
afterAll(() => pki.cleanup());

/** Offset of a byte inside the first signed range, past the header. */
function offsetInsideSignedRange(pdf: Uint8Array): number {
  const match = /\/ByteRange\s*\[\s*0\s+(\d+)/.exec(Buffer.from(pdf).toString('latin1'));
  return Math.floor(Number(match![1]) / 2);
}

describe('verifyPdf', () => {
  it('accepts a document signed by a trusted unit', async () => {
    const report = await verifyPdf(signed, trusted());
    expect(report.problems).toEqual([]);
    expect(report.valid).toBe(true);
    expect(report.signatures).toHaveLength(1);
    const [signature] = report.signatures;
    expect(signature).toMatchObject({
      field: 'Signature1',
      signer: 'Ủy ban nhân dân phường Bến Nghé',
      subFilter: 'ETSI.CAdES.detached',
      integrity: true,
      chainTrusted: true,
      validAtSigningTime: true,
      coversWholeDocument: true,
      problems: [],
    });
    expect(Math.abs(signature!.signingTime!.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('says so when one byte inside the signed range changed', async () => {
    const tampered = Uint8Array.from(signed);
    const offset = offsetInsideSignedRange(tampered);
    tampered[offset] = tampered[offset]! ^ 0x20;
    const report = await verifyPdf(tampered, trusted());
    expect(report.valid).toBe(false);
    expect(report.signatures[0]!.integrity).toBe(false);
    expect(report.signatures[0]!.problems.join(' ')).toContain('the document was changed after signing');
    expect(report.problems.join(' ')).toContain('the document was changed after signing');
  });

  it('does not trust a signature when the anchor is another authority', async () => {
    const report = await verifyPdf(signed, { trustAnchorsPem: [pki.foreignCaPem] });
    expect(report.valid).toBe(false);
    expect(report.signatures[0]!.integrity).toBe(true);
    expect(report.signatures[0]!.chainTrusted).toBe(false);
    expect(report.signatures[0]!.problems).toContain("the signer's certificate does not chain to a trusted authority");
  });

  it('does not trust a unit certificate from an unknown authority, even if it brings its CA along', async () => {
    const foreign = await signPdf(await samplePdf(1), pki.foreign);
    const report = await verifyPdf(foreign, trusted());
    expect(report.valid).toBe(false);
    expect(report.signatures[0]!.integrity).toBe(true);
    expect(report.signatures[0]!.chainTrusted).toBe(false);
  });

  it('rejects a certificate that had expired at the signing time in /M', async () => {
    const late = await embedSignature(await samplePdf(1), pki.expired, { signingTime: new Date() });
    const report = await verifyPdf(late, trusted());
    expect(report.valid).toBe(false);
    expect(report.signatures[0]!.integrity).toBe(true);
    expect(report.signatures[0]!.chainTrusted).toBe(true);
    expect(report.signatures[0]!.validAtSigningTime).toBe(false);
    expect(report.signatures[0]!.problems.join(' ')).toMatch(/signer's certificate .* had expired at signing time/);
  });

  it('checks the whole chain at the signing time, not only the signer', async () => {
    // Inside the unit certificate's validity, but before the development CA existed.
    const beforeCa = await embedSignature(await samplePdf(1), pki.expired, { signingTime: new Date(pki.expired.notAfter.getTime() - 86_400_000) });
    const report = await verifyPdf(beforeCa, trusted());
    expect(report.valid).toBe(false);
    expect(report.signatures[0]!.validAtSigningTime).toBe(false);
    const problems = report.signatures[0]!.problems.join(' ');
    expect(problems).toMatch(/trusted authority certificate .* was not yet valid at signing time/);
    expect(problems).not.toContain("signer's certificate");
  });

  it('rejects a certificate without keyUsage', async () => {
    const pdf = await embedSignature(await samplePdf(1), pki.withoutKeyUsage, { signingTime: new Date() });
    const report = await verifyPdf(pdf, trusted());
    expect(report.valid).toBe(false);
    expect(report.signatures[0]!.integrity).toBe(true);
    expect(report.signatures[0]!.problems.join(' ')).toContain('states no key usage');
  });

  it('notices content appended after the signature', async () => {
    const appended = new Uint8Array([...signed, ...new TextEncoder().encode('\n% appended after signing\n')]);
    const report = await verifyPdf(appended, trusted());
    expect(report.signatures[0]!.integrity).toBe(true);
    expect(report.signatures[0]!.coversWholeDocument).toBe(false);
    expect(report.valid).toBe(false);
    expect(report.problems[0]).toContain('no signature covers the whole file');
  });

  it('is not valid without any signature', async () => {
    const report = await verifyPdf(await samplePdf(1), trusted());
    expect(report).toEqual({ valid: false, signatures: [], problems: ['the document has no signatures'] });
  });

  it('reports bytes that are not a PDF instead of throwing', async () => {
    const report = await verifyPdf(new TextEncoder().encode('not a pdf'), trusted());
    expect(report.valid).toBe(false);
    expect(report.problems[0]).toContain('could not be read as a PDF');
  });
});

describe('verifyPdf on signatures it did not make', () => {
  it('verifies a CAdES signature made by OpenSSL, and names what PAdES does not allow in it', async () => {
    // Same placeholder, but the CMS comes from `openssl cms -sign -cades`, which also adds signing-time.
    const prepared = await prepareForSigning(await samplePdf(2), { signingTime: new Date(), signerName: 'OpenSSL' });
    const [, firstLength, secondStart, secondLength] = fillByteRange(prepared);
    const signedBytes = Buffer.concat([prepared.bytes.subarray(0, firstLength), prepared.bytes.subarray(secondStart!, secondStart! + secondLength!)]);
    const password = (await readFile(pki.files.unitP12Path.replace(/\.p12$/, '.password'), 'utf8')).trim();
    const keyAndCertificate = path.join(pki.dir, 'unit-key.pem');
    execFileSync('openssl', ['pkcs12', '-in', pki.files.unitP12Path, '-passin', `pass:${password}`, '-nodes', '-clcerts', '-out', keyAndCertificate]);
    const cms = execFileSync(
      'openssl',
      ['cms', '-sign', '-binary', '-cades', '-md', 'sha256', '-signer', keyAndCertificate, '-certfile', pki.files.caCertificatePath, '-outform', 'DER'],
      { input: signedBytes },
    );
    fillContents(prepared, new Uint8Array(cms));

    const report = await verifyPdf(prepared.bytes, trusted());
    const [signature] = report.signatures;
    expect(signature).toMatchObject({ integrity: true, chainTrusted: true, validAtSigningTime: true, coversWholeDocument: true });
    expect(signature!.problems).toEqual(['the signature carries a CMS signing-time attribute, which PAdES baseline does not allow']);
    expect(report.valid).toBe(true);

    const offset = offsetInsideSignedRange(prepared.bytes);
    prepared.bytes[offset] = prepared.bytes[offset]! ^ 0x20;
    expect((await verifyPdf(prepared.bytes, trusted())).signatures[0]!.integrity).toBe(false);
  });
});

describe('signPdf on documents that already have structure', () => {
  it('signs a PDF with a filled form and object streams, next to the existing field', async () => {
    const doc = await PDFDocument.load(await samplePdf(2));
    const form = doc.getForm();
    form.createTextField('Signature1').setText('not a signature, just a field with that name');
    const input = await doc.save({ useObjectStreams: true });
    const signedForm = await signPdf(input, pki.unit);
    const report = await verifyPdf(signedForm, trusted());
    expect(report.valid).toBe(true);
    expect(report.signatures.map((signature) => signature.field)).toEqual(['Signature2']);
    expect((await PDFDocument.load(signedForm)).getForm().getTextField('Signature1').getText()).toContain('just a field');
  });
});

describe('formatReport', () => {
  it('puts the verdict first and the problems in words', async () => {
    const good = formatReport(await verifyPdf(signed, trusted()));
    expect(good.split('\n')[0]).toBe('VALID: 1 signature, all intact and trusted.');
    expect(good).toContain('signer: Ủy ban nhân dân phường Bến Nghé');

    const bad = formatReport(await verifyPdf(signed, { trustAnchorsPem: [pki.foreignCaPem] }));
    expect(bad.split('\n')[0]).toBe('NOT VALID: see the problems below.');
    expect(bad).toContain("problem: the signer's certificate does not chain to a trusted authority");
    expect(formatReport(await verifyPdf(await samplePdf(1), trusted()))).toContain('problem: the document has no signatures');
  });
});
