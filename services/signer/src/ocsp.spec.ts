/**
 * OCSP against a real responder: `openssl ocsp` serving an index file,
 * signing as the CA, as a delegated responder, as an impostor and as a CA
 * certificate not meant for OCSP; a closed port and a hung server; and
 * `sohoa verify --trust-dir` spawned as the user runs it.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateAuthority, issueCertificate, type CertificateRequest, type IssuedCertificate } from './certificate-issuer.ts';
import { certificateFromPem, displayName } from './certificate.ts';
import { formatReport, signPdf, verifyPdf, type SigningIdentity } from './index.ts';
import { askOcspResponder, buildOcspRequest, judgeOcspResponse, ocspResponderUrls } from './ocsp.ts';
import { DEFAULT_OUTBOUND_LIMITS } from './outbound.ts';
import { freePort, startOcspResponder, startSilentServer, type TestOcspResponder } from './testing/index.ts';
import { createTestPki, issueTestIdentity, samplePdf, type TestPki } from './testing/index.ts';
import { issueCrl, startTestTsa, type TestTsa } from './testing/index.ts';

const run = promisify(execFile);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

let pki: TestPki;
let tsa: TestTsa;
let responder: TestOcspResponder;
let delegated: TestOcspResponder;
let impostor: TestOcspResponder;
let misused: TestOcspResponder;
let byKey: TestOcspResponder;
let silent: { url: string; stop(): Promise<void> };
let downUrl: string;
const signers: Record<'good' | 'revokedBefore' | 'revokedAfter' | 'unknown' | 'down' | 'hung', SigningIdentity> = {} as never;
const pdfs: Record<'good' | 'revokedBefore' | 'revokedAfterBT' | 'revokedAfterBB' | 'unknown' | 'down' | 'hung', Uint8Array> = {} as never;
let revokedAfterAt: Date;

// The test responders listen on loopback, which only OUTBOUND_ALLOW_PRIVATE=on lets a certificate's URL reach.
const online = { online: true, fetchTimeoutMs: 5000, outbound: { ...DEFAULT_OUTBOUND_LIMITS, allowPrivate: true } };
const trusted = (revocation: Record<string, unknown> = online) => ({ trustAnchorsPem: [pki.caPem], revocation });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function certificateRequest(commonName: string, extra: Partial<CertificateRequest> = {}): CertificateRequest {
  return {
    subject: { commonName, organization: 'sohoa tests', country: 'VN' },
    notBefore: new Date(Date.now() - DAY_MS),
    notAfter: new Date(Date.now() + 365 * DAY_MS),
    keyUsage: ['digitalSignature'],
    ...extra,
  };
}

beforeAll(async () => {
  pki = await createTestPki();
  tsa = await startTestTsa(path.join(pki.dir, 'tsa'), pki.authority);
  const port = await freePort();
  // The responder listens on a port chosen now; the certificates must name it before it starts.
  const mainUrl = `http://127.0.0.1:${port}/`;
  downUrl = `http://127.0.0.1:${await freePort()}/`;
  silent = await startSilentServer();
  const issue = (name: string, url: string) => issueTestIdentity(pki.authority, name, { ocspResponderUrl: url });
  Object.assign(signers, {
    revokedAfter: await issue('UBND xã Thu Hồi Sau', mainUrl),
    good: await issue('UBND phường Còn Hiệu Lực', mainUrl),
    revokedBefore: await issue('UBND xã Thu Hồi Trước', mainUrl),
    unknown: await issue('UBND xã Không Rõ', mainUrl),
    down: await issue('UBND xã Mất Kết Nối', downUrl),
    hung: await issue('UBND xã Treo', silent.url),
  });

  // B-T first: its revocation must come after the time-stamp, to the second.
  pdfs.revokedAfterBT = await signPdf(await samplePdf(1), signers.revokedAfter, { timestampAuthority: { url: tsa.url } });
  pdfs.revokedAfterBB = await signPdf(await samplePdf(1), signers.revokedAfter);
  const signedAt = Date.now();
  for (const name of ['good', 'revokedBefore', 'unknown', 'down', 'hung'] as const) pdfs[name] = await signPdf(await samplePdf(1), signers[name]);
  // Past the time-stamp plus its one-second accuracy, so "after" holds whichever way the clock is read.
  await sleep(Math.max(0, signedAt + 2100 - Date.now()));
  revokedAfterAt = new Date(Math.floor(Date.now() / 1000) * 1000);

  const entries = [
    { certificatePem: signers.good.certificatePem },
    { certificatePem: signers.revokedBefore.certificatePem, revokedAt: new Date(Date.now() - HOUR_MS), reason: 'keyCompromise' },
    { certificatePem: signers.revokedAfter.certificatePem, revokedAt: revokedAfterAt, reason: 'superseded' },
  ];
  const responderCertificate = issueCertificate(certificateRequest('sohoa test OCSP responder', { extendedKeyUsage: ['OCSPSigning'] }), pki.authority);
  const someoneElse: IssuedCertificate = createCertificateAuthority({ ...certificateRequest('Impostor OCSP'), keyUsage: undefined });
  const notForOcsp = issueCertificate(certificateRequest('UBND xã Không Được Trả Lời'), pki.authority);
  const serve = (name: string, signer: IssuedCertificate) =>
    startOcspResponder(path.join(pki.dir, name), { authority: pki.authority, signer, entries, nextUpdateMinutes: 10 });
  responder = await startOcspResponder(path.join(pki.dir, 'ocsp'), { authority: pki.authority, signer: pki.authority, entries, nextUpdateMinutes: 10, port });
  delegated = await serve('ocsp-delegated', responderCertificate);
  impostor = await serve('ocsp-impostor', someoneElse);
  misused = await serve('ocsp-misused', notForOcsp);
  byKey = await startOcspResponder(path.join(pki.dir, 'ocsp-by-key'), { authority: pki.authority, signer: responderCertificate, entries, identifyByKey: true });
});

afterAll(async () => {
  for (const server of [responder, delegated, impostor, misused, byKey, silent, tsa]) await server?.stop();
  await pki?.cleanup();
});

describe('OCSP from the certificate\'s Authority Information Access', () => {
  it('issues certificates that name their responder', () => {
    expect(ocspResponderUrls(certificateFromPem(signers.good.certificatePem))).toEqual([responder.url]);
    expect(ocspResponderUrls(certificateFromPem(pki.officer.certificatePem))).toEqual([]);
  });

  it('good: the report says not revoked, by OCSP, signed by the issuing authority', async () => {
    const before = responder.requests();
    const report = await verifyPdf(pdfs.good, trusted());
    expect(report.problems).toEqual([]);
    expect(report.valid).toBe(true);
    expect(report.signatures[0]!.revocation.status).toBe('good');
    expect(report.signatures[0]!.revocation.source).toMatch(new RegExp(`^OCSP responder ${responder.url}: answer of .*, signed by the issuing authority$`));
    expect(formatReport(report)).toContain(`revocation: not revoked (OCSP responder ${responder.url}`);
    expect(responder.requests()).toBe(before + 1);
  });

  it('sends a SHA-1 CertID by default, as openssl ocsp does', async () => {
    const request = await buildOcspRequest(certificateFromPem(signers.good.certificatePem), certificateFromPem(pki.caPem), 'SHA-1');
    const requestFile = path.join(pki.dir, 'request.der');
    await writeFile(requestFile, request.der);
    const text = execFileSync('openssl', ['ocsp', '-reqin', requestFile, '-req_text'], { encoding: 'utf8' });
    expect(text).toMatch(/Hash Algorithm: sha1/);
    expect(text).toMatch(/OCSP Nonce/);
  });

  it('revoked before signing: the signature is invalid, and the report says why', async () => {
    const report = await verifyPdf(pdfs.revokedBefore, trusted());
    expect(report.valid).toBe(false);
    const [signature] = report.signatures;
    expect(signature).toMatchObject({ integrity: true, chainTrusted: true, validAtSigningTime: false });
    expect(signature!.revocation.status).toBe('revoked');
    expect(signature!.problems.join('\n')).toMatch(/the signer's certificate was revoked on .* \(OCSP responder .*reason keyCompromise\), before the signing time the signer states/);
    expect(formatReport(report)).toContain('revocation: REVOKED on');
  });

  it('revoked after a time-stamped signature: still valid, with a note', async () => {
    const report = await verifyPdf(pdfs.revokedAfterBT, trusted());
    const [signature] = report.signatures;
    expect(signature!.timestamp?.valid).toBe(true);
    expect(signature!.timestamp!.time!.getTime()).toBeLessThan(revokedAfterAt.getTime());
    expect(signature!.revocation).toMatchObject({ status: 'revoked', revokedAt: revokedAfterAt });
    expect(report.valid).toBe(true);
    expect(signature!.notes.join('\n')).toContain('after the time-stamp');
    expect(formatReport(report)).toMatch(/note: the signer's certificate was revoked on .*, after the time-stamp of .*: the signature was made while it was still valid/);
  });

  it('revoked after a signature without a time-stamp: invalid, since only /M says when it was made', async () => {
    const report = await verifyPdf(pdfs.revokedAfterBB, trusted());
    expect(report.valid).toBe(false);
    expect(report.problems.join('\n')).toContain('no time-stamp proves the signature was made before that');
  });

  it('unknown to the responder: revocation unknown, so not valid; soft-fail accepts it and says so', async () => {
    const report = await verifyPdf(pdfs.unknown, trusted());
    expect(report.valid).toBe(false);
    expect(report.signatures[0]!.revocation.status).toBe('unknown');
    expect(report.signatures[0]!.revocation.source).toContain('it does not know this certificate (status unknown');
    expect(report.problems.join('\n')).toMatch(/revocation could not be checked \(OCSP responder .*status unknown.*\): the signer's certificate may have been revoked/);
    expect(formatReport(report)).toContain('revocation: UNKNOWN, not checked: OCSP responder');
    expect(formatReport(report)).not.toContain('not revoked');

    const soft = await verifyPdf(pdfs.unknown, { ...trusted(), revocationSoftFail: true });
    expect(soft.valid).toBe(true);
    expect(soft.problems).toEqual([]);
    expect(soft.signatures[0]!.notes.join('\n')).toContain('accepted only because soft-fail is on (REVOCATION_SOFT_FAIL)');
    expect(formatReport(soft).split('\n')[0]).toBe('VALID ONLY BY SOFT-FAIL: 1 signature, all intact and trusted, but revocation was NOT checked for 1 of them (REVOCATION_SOFT_FAIL is on).');
  });

  it('responder down or hung: revocation unknown, not valid, and the report says it could not be reached, never "not revoked"', async () => {
    const down = await verifyPdf(pdfs.down, trusted());
    expect(down.valid).toBe(false);
    expect(down.signatures[0]!.revocation).toEqual({ status: 'unknown', source: `OCSP responder ${downUrl}: it could not be reached or gave no usable answer` });
    const text = formatReport(down);
    expect(text.split('\n')[0]).toBe('NOT VALID: see the problems below.');
    expect(text).toContain(`revocation: UNKNOWN, not checked: OCSP responder ${downUrl}: it could not be reached`);
    expect(text).toContain('problem: revocation could not be checked');
    expect(text).not.toContain('not revoked (');
    expect((await verifyPdf(pdfs.down, { ...trusted(), revocationSoftFail: true })).valid).toBe(true);

    const started = Date.now();
    const hung = await verifyPdf(pdfs.hung, trusted({ ...online, fetchTimeoutMs: 500 }));
    expect(Date.now() - started).toBeLessThan(4000);
    expect(hung.signatures[0]!.revocation.source).toBe(`OCSP responder ${silent.url}: it could not be reached or gave no usable answer`);
  });

  it('asks nobody when going online is off, OCSP_URL included: unknown, so not valid unless soft-fail or a local CRL answers', async () => {
    const before = [responder.requests(), delegated.requests()];
    const report = await verifyPdf(pdfs.good, trusted({ online: false, ocspUrl: delegated.url }));
    expect(report.signatures[0]!.revocation).toEqual({
      status: 'unknown',
      source: `revocation fetching is off (REVOCATION_FETCH=off): OCSP responder ${delegated.url} not asked, and no configured CRL is from the issuer`,
    });
    expect(report.valid).toBe(false);
    expect((await verifyPdf(pdfs.good, { ...trusted({ online: false }), revocationSoftFail: true })).valid).toBe(true);
    const local = await verifyPdf(pdfs.good, trusted({ online: false, crls: [await issueCrl(pki.authority, [], new Date())] }));
    expect(local.signatures[0]!.revocation).toEqual({ status: 'good', source: 'a configured CRL' });
    expect(local.valid).toBe(true);
    expect([responder.requests(), delegated.requests()]).toEqual(before);
  });
});

describe('who may answer', () => {
  it('a delegated responder (id-kp-OCSPSigning, issued by the CA) is believed', async () => {
    const report = await verifyPdf(pdfs.good, trusted({ ...online, ocspUrl: delegated.url }));
    expect(report.signatures[0]!.revocation.status).toBe('good');
    expect(report.signatures[0]!.revocation.source).toContain('signed by the delegated responder sohoa test OCSP responder');
    expect(report.valid).toBe(true);
  });

  it('a responder named by its key hash, without nextUpdate, is believed while its answer is fresh', async () => {
    const report = await verifyPdf(pdfs.revokedBefore, trusted({ ...online, ocspUrl: byKey.url }));
    expect(report.signatures[0]!.revocation).toMatchObject({ status: 'revoked' });
    expect(report.signatures[0]!.revocation.source).toContain('signed by the delegated responder');
  });

  it('an answer signed with an untrusted key is not accepted', async () => {
    const report = await verifyPdf(pdfs.revokedBefore, trusted({ ...online, ocspUrl: impostor.url }));
    const { revocation } = report.signatures[0]!;
    expect(revocation.status).toBe('unknown');
    expect(revocation.source).toBe(
      `OCSP responder ${impostor.url}: its answer was not accepted: it is signed by Impostor OCSP, which was not issued by the signer's issuing authority`,
    );
    expect(formatReport(report)).not.toContain('not revoked');
  });

  it('a certificate of the CA that is not for OCSP signing is not accepted either', async () => {
    const report = await verifyPdf(pdfs.good, trusted({ ...online, ocspUrl: misused.url }));
    expect(report.signatures[0]!.revocation.status).toBe('unknown');
    expect(report.signatures[0]!.revocation.source).toContain('which the issuing authority did not authorize to answer OCSP requests (no id-kp-OCSPSigning)');
  });

  it('a damaged signature, another certificate\'s answer, a replay and a stale answer are refused', async () => {
    const certificate = certificateFromPem(signers.good.certificatePem);
    const issuer = certificateFromPem(pki.caPem);
    const request = await buildOcspRequest(certificate, issuer, 'SHA-1');
    const answer = new Uint8Array(
      await (await fetch(responder.url, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: Buffer.from(request.der) })).arrayBuffer(),
    );
    expect(await judgeOcspResponse(answer, certificate, issuer, { nonce: request.nonce })).toMatchObject({ status: 'good' });

    const basic = pkijs.BasicOCSPResponse.fromBER(pkijs.OCSPResponse.fromBER(answer).responseBytes!.response.valueBlock.valueHexView as Uint8Array<ArrayBuffer>);
    const signatureAt = Buffer.from(answer).indexOf(Buffer.from(basic.signature.valueBlock.valueHexView)) + 100;
    expect(signatureAt).toBeGreaterThan(100);
    const damaged = Uint8Array.from(answer);
    damaged[signatureAt] = damaged[signatureAt]! ^ 0x01;
    expect((await judgeOcspResponse(damaged, certificate, issuer)).detail).toBe(
      `its answer was not accepted: its signature does not verify with the certificate of ${displayName(issuer)} (forged or damaged)`,
    );

    const other = await judgeOcspResponse(answer, certificateFromPem(signers.unknown.certificatePem), issuer);
    expect(other).toMatchObject({ status: 'rejected', detail: 'its answer was not accepted: it is about another certificate' });
    const replay = await judgeOcspResponse(answer, certificate, issuer, { nonce: new Uint8Array(16) });
    expect(replay.detail).toContain('a replayed answer');
    const stale = await judgeOcspResponse(answer, certificate, issuer, { now: new Date(Date.now() + DAY_MS) });
    expect(stale.detail).toMatch(/out of date \(its next update was due/);
  });

  it('asks with SHA-256 when the SHA-1 CertID is not known, and reports unknown when neither is', async () => {
    const before = responder.requests();
    const answer = await askOcspResponder(certificateFromPem(signers.unknown.certificatePem), certificateFromPem(pki.caPem), { url: responder.url, outbound: online.outbound });
    expect(answer.status).toBe('unknown');
    expect(responder.requests()).toBe(before + 2);
  });
});

describe('OCSP and CRLs together', () => {
  it('revoked in either source wins', async () => {
    const cleanCrl = await issueCrl(pki.authority, [], new Date());
    const byOcsp = await verifyPdf(pdfs.revokedBefore, trusted({ ...online, crls: [cleanCrl] }));
    expect(byOcsp.signatures[0]!.revocation).toMatchObject({ status: 'revoked' });
    expect(byOcsp.signatures[0]!.revocation.source).toMatch(/^OCSP responder/);

    const listing = await issueCrl(pki.authority, [signers.good.certificatePem], new Date(Date.now() - HOUR_MS));
    const byCrl = await verifyPdf(pdfs.good, trusted({ ...online, crls: [listing] }));
    expect(byCrl.valid).toBe(false);
    expect(byCrl.signatures[0]!.revocation).toMatchObject({ status: 'revoked', source: 'a configured CRL' });
  });

  it('a configured CRL still answers when the responder is down, and the report notes the responder', async () => {
    const cleanCrl = await issueCrl(pki.authority, [], new Date());
    const report = await verifyPdf(pdfs.down, trusted({ ...online, crls: [cleanCrl] }));
    expect(report.signatures[0]!.revocation).toEqual({
      status: 'good',
      source: 'a configured CRL',
      notes: [`OCSP responder ${downUrl}: it could not be reached or gave no usable answer`],
    });
    expect(formatReport(report)).toContain('revocation note: OCSP responder');
  });
});

describe('sohoa verify --trust-dir', () => {
  const sohoa = path.join(repoRoot, 'bin', 'sohoa.js');
  let work: string;

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'sohoa-verify-cli-'));
    await mkdir(path.join(work, 'trust'));
    await mkdir(path.join(work, 'revoking'));
    await mkdir(path.join(work, 'empty-data'));
    await writeFile(path.join(work, 'trust', 'ca.pem'), pki.caPem);
    await writeFile(path.join(work, 'revoking', 'ca.crt'), pki.caPem);
    await writeFile(path.join(work, 'revoking', 'ca.crl'), await issueCrl(pki.authority, [signers.good.certificatePem], new Date(Date.now() - HOUR_MS)));
    await writeFile(path.join(work, 'good.pdf'), pdfs.good);
    await writeFile(path.join(work, 'down.pdf'), pdfs.down);
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  /** Exit code and output; the environment leaves out what the developer's shell may have set. */
  async function verify(args: string[], env: Record<string, string> = {}, file = 'good.pdf'): Promise<{ code: number; stdout: string; stderr: string }> {
    const base = { PATH: process.env.PATH!, HOME: process.env.HOME ?? work, DATA_DIR: path.join(work, 'empty-data'), REVOCATION_FETCH: 'on', OUTBOUND_ALLOW_PRIVATE: 'on' };
    return run('node', [sohoa, 'verify', path.join(work, file), ...args], { cwd: repoRoot, env: { ...base, ...env } }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );
  }

  it('trusts the anchors in the folder and asks the OCSP responder: exit 0', async () => {
    const result = await verify(['--trust-dir', path.join(work, 'trust')]);
    expect(result.stdout).toContain('VALID: 1 signature, all intact and trusted.');
    expect(result.stdout).toContain(`revocation: not revoked (OCSP responder ${responder.url}`);
    expect(result.stdout).toContain(`trusted: ${path.join(work, 'trust', 'ca.pem')}`);
    expect(result.code).toBe(0);
  });

  it('reads the .crl files in the folder: a listed signer makes it exit 1', async () => {
    const result = await verify(['--trust-dir', path.join(work, 'revoking')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('NOT VALID');
    expect(result.stdout).toContain('revocation: REVOKED on');
    expect(result.stdout).toContain(`CRLs: ${path.join(work, 'revoking', 'ca.crl')}`);
  });

  it('uses TRUST_ANCHORS_DIR without flags, and trusts nothing when there is none', async () => {
    const configured = await verify([], { TRUST_ANCHORS_DIR: path.join(work, 'trust') });
    expect(configured.code).toBe(0);
    const nothing = await verify([]);
    expect(nothing.code).toBe(1);
    expect(nothing.stdout).toContain('no trust anchor given (--trust CA.pem or --trust-dir DIR)');
    const missing = await verify(['--trust-dir', path.join(work, 'no-such-dir')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read');
  });

  it('responder unreachable: revocation unknown, exit 1; REVOCATION_SOFT_FAIL=on: exit 0, and the report says it was not checked', async () => {
    const strict = await verify(['--trust-dir', path.join(work, 'trust')], {}, 'down.pdf');
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('NOT VALID: see the problems below.');
    expect(strict.stdout).toContain(`revocation: UNKNOWN, not checked: OCSP responder ${downUrl}: it could not be reached or gave no usable answer`);
    expect(strict.stdout).toContain('REVOCATION_SOFT_FAIL=on (sohoa verify --soft-fail) accepts that');

    const soft = await verify(['--trust-dir', path.join(work, 'trust')], { REVOCATION_SOFT_FAIL: 'on' }, 'down.pdf');
    expect(soft.code).toBe(0);
    expect(soft.stdout).toContain('VALID ONLY BY SOFT-FAIL: 1 signature, all intact and trusted, but revocation was NOT checked for 1 of them');
    expect(soft.stdout).toContain('note: revocation could not be checked (OCSP responder');
  });

  it('REVOCATION_FETCH=off asks no responder: revocation unknown, exit 0 only by --soft-fail, with the note', async () => {
    // Without --soft-fail the same report is not valid: see "asks nobody when going online is off" above.
    const before = responder.requests();
    const soft = await verify(['--trust-dir', path.join(work, 'trust'), '--soft-fail'], { REVOCATION_FETCH: 'off' });
    expect(soft.stdout).toContain(`revocation: UNKNOWN, not checked: revocation fetching is off (REVOCATION_FETCH=off): OCSP responder ${responder.url} not asked`);
    expect(soft.stdout).toContain('VALID ONLY BY SOFT-FAIL');
    expect(soft.code).toBe(0);
    expect(responder.requests()).toBe(before);
  });
});
