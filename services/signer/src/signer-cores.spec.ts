/**
 * The pure parts on plain data: certificate status and its expiry warning,
 * Vietnam time, word wrap, reading the previous revision, the time-stamp
 * response checks; and an incremental update over a PDF whose last
 * cross-reference is a stream (object streams), judged by qpdf and pdfsig.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as asn1js from 'asn1js';
import { PDFDocument } from 'pdf-lib';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vietnamTime, wrapText } from './appearance.ts';
import { certificateStatus } from './certificate-status.ts';
import { previousRevision } from './incremental-update.ts';
import { signPdf, SignerError } from './index.ts';
import { createTestPki, samplePdf, type TestPki } from './testing/index.ts';
import { timestampRequest, tokenFromResponse } from './timestamp.ts';

const DAY = 24 * 60 * 60 * 1000;
const now = new Date('2026-11-22T03:00:00Z');

describe('certificateStatus', () => {
  const certificate = (days: number, revokedAt: Date | null = null) => ({
    subject: 'UBND phường Mẫu',
    notBefore: new Date(now.getTime() - 365 * DAY),
    notAfter: new Date(now.getTime() + days * DAY),
    revokedAt,
  });

  it('is valid with no warning outside the window, expiring (still signing) inside it', () => {
    expect(certificateStatus(certificate(31), now, 30)).toMatchObject({ state: 'valid', maySign: true, warning: null });
    const expiring = certificateStatus(certificate(29.5), now, 30);
    expect(expiring).toMatchObject({ state: 'expiring', maySign: true, daysLeft: 29 });
    expect(expiring.warning).toContain('in 29 days');
  });

  it('refuses to sign when expired or revoked, and says why', () => {
    expect(certificateStatus(certificate(-1), now, 30)).toMatchObject({ state: 'expired', maySign: false });
    const revoked = certificateStatus(certificate(200, new Date(now.getTime() - DAY)), now, 30);
    expect(revoked).toMatchObject({ state: 'revoked', maySign: false });
    expect(revoked.warning).toContain('was revoked on 2026-11-21');
  });
});

describe('appearance text', () => {
  it('writes Vietnam time as hh:mm:ss dd/mm/yyyy +07:00, across midnight too', () => {
    expect(vietnamTime(new Date('2026-11-21T17:05:09Z'))).toBe('00:05:09 22/11/2026 +07:00');
    expect(vietnamTime(new Date('2026-01-01T09:30:00Z'))).toBe('16:30:00 01/01/2026 +07:00');
  });

  it('wraps on words, never inside one', () => {
    expect(wrapText('Ủy ban nhân dân phường Bến Nghé', 60, (text) => text.length * 5)).toEqual(['Ủy ban nhân', 'dân phường', 'Bến Nghé']);
  });
});

describe('previousRevision', () => {
  it('reads startxref and /Size from a classic trailer and from a cross-reference stream', async () => {
    const classic = await samplePdf(2);
    const plain = await PDFDocument.load(classic);
    const table = await plain.save({ useObjectStreams: false });
    const streams = await plain.save({ useObjectStreams: true });
    for (const bytes of [table, streams]) {
      const revision = previousRevision(bytes);
      expect(Buffer.from(bytes).toString('latin1', revision.startxref, revision.startxref + 4)).toMatch(/^(xref|\d+ \d)/);
      expect(revision.size).toBeGreaterThan(5);
    }
  });

  it('refuses a file with no startxref', () => {
    expect(() => previousRevision(new TextEncoder().encode('%PDF-1.7\nnothing here\n'))).toThrow(SignerError);
  });
});

describe('time-stamp responses', () => {
  function response(status: number): Uint8Array {
    return new Uint8Array(new pkijs.TimeStampResp({ status: new pkijs.PKIStatusInfo({ status, statusStrings: [new asn1js.Utf8String({ value: 'bad request' })] }) }).toSchema().toBER(false));
  }

  it('a refusal by the TSA is an error with its status, not a signature without a time-stamp', () => {
    const request = timestampRequest(new Uint8Array([1, 2, 3]));
    expect(() => tokenFromResponse(response(2), request)).toThrow(/refused the request \(rejection: bad request\)/);
    expect(() => tokenFromResponse(new Uint8Array([1, 2, 3]), request)).toThrow(/not a time-stamp response/);
  });
});

describe('an incremental update over object streams', () => {
  let pki: TestPki;
  beforeAll(async () => {
    pki = await createTestPki();
  });
  afterAll(() => pki.cleanup());

  it('qpdf checks it clean and pdfsig accepts both signatures', async () => {
    const input = await (await PDFDocument.load(await samplePdf(3))).save({ useObjectStreams: true });
    const once = await signPdf(input, pki.officer, { appearance: { role: 'officer', name: 'Nguyễn Thị Thu Hà' } });
    const twice = await signPdf(once, pki.unit, { appearance: { role: 'unit', name: 'Ủy ban nhân dân phường Bến Nghé' } });
    const dir = path.join(pki.dir, 'objstm');
    await mkdir(path.join(dir, 'nss'), { recursive: true });
    const file = path.join(dir, 'signed.pdf');
    await writeFile(file, twice);
    expect(Buffer.from(twice.subarray(0, input.length)).equals(Buffer.from(input))).toBe(true);
    expect(execFileSync('qpdf', ['--check', file], { encoding: 'utf8' })).toContain('No syntax or stream encoding errors found');
    execFileSync('certutil', ['-N', '-d', `sql:${dir}/nss`, '--empty-password']);
    execFileSync('certutil', ['-A', '-d', `sql:${dir}/nss`, '-n', 'ca', '-t', 'CT,C,C', '-i', pki.files.caCertificatePath]);
    const output = spawnSync('pdfsig', ['-nssdir', `sql:${dir}/nss`, file], { encoding: 'utf8' }).stdout;
    expect(output.match(/Signature is Valid\./g)).toHaveLength(2);
    expect(output.match(/Certificate is Trusted\./g)).toHaveLength(2);
  });
});
