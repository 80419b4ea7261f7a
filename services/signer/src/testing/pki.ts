/**
 * Test fixtures: a development PKI in a temporary directory plus the
 * identities a verifier must reject (expired, from an unknown authority,
 * without keyUsage), and small PDFs made with pdf-lib. Not part of the API.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { createCertificateAuthority, issueCertificate, toPkcs12, type CertificateRequest, type IssuedCertificate } from '../certificate-issuer.ts';
import { ensureDevelopmentPki, type DevelopmentPki } from '../dev-pki.ts';
import { loadPkcs12, type Pkcs12Identity } from '../pkcs12.ts';
import { execFileSync } from 'node:child_process';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface TestPki {
  dir: string;
  files: DevelopmentPki;
  caPem: string;
  /** The development CA with its key, to issue more certificates, CRLs and a TSA in tests. */
  authority: IssuedCertificate;
  unit: Pkcs12Identity;
  /** A digitizing officer's personal certificate from the same CA. */
  officer: Pkcs12Identity;
  /** Expired a year ago, issued by the trusted development CA. */
  expired: Pkcs12Identity;
  /** Valid only from next year. */
  notYetValid: Pkcs12Identity;
  /** No keyUsage extension at all. */
  withoutKeyUsage: Pkcs12Identity;
  /** Issued by an authority nobody trusts. */
  foreign: Pkcs12Identity;
  foreignCaPem: string;
  cleanup(): Promise<void>;
}

async function identity(issued: IssuedCertificate, authority: IssuedCertificate): Promise<Pkcs12Identity> {
  return loadPkcs12(toPkcs12(issued, [authority.certificatePem], 'test', 'test'), 'test');
}

function unitRequestOf(commonName: string, overrides: Partial<CertificateRequest> = {}): CertificateRequest {
  const now = Date.now();
  return {
    subject: { commonName, organization: commonName, country: 'VN' },
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 365 * DAY_MS),
    keyUsage: ['digitalSignature', 'nonRepudiation'],
    ...overrides,
  };
}

export interface TestPkiOptions {
  /** Put this OCSP responder in the Authority Information Access of the certificates issued here (not the development unit's). */
  ocspResponderUrl?: string;
}

/** A unit certificate from `authority`, with whatever a test needs (e.g. `ocspResponderUrl`), loaded as a signer. */
export async function issueTestIdentity(authority: IssuedCertificate, commonName: string, overrides: Partial<CertificateRequest> = {}): Promise<Pkcs12Identity> {
  return identity(issueCertificate(unitRequestOf(commonName, overrides), authority), authority);
}

export async function createTestPki(options: TestPkiOptions = {}): Promise<TestPki> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sohoa-signer-'));
  const files = await ensureDevelopmentPki({ dir: path.join(dir, 'pki'), unitCode: '000.00.19.H29', unitName: 'Ủy ban nhân dân phường Bến Nghé' });
  const caPem = await readFile(files.caCertificatePath, 'utf8');
  const authority: IssuedCertificate = { certificatePem: caPem, privateKeyPem: await readFile(path.join(dir, 'pki', 'ca-key.pem'), 'utf8') };
  const now = Date.now();
  const ocsp: Partial<CertificateRequest> = options.ocspResponderUrl ? { ocspResponderUrl: options.ocspResponderUrl } : {};
  const unitRequest = (commonName: string, overrides: Partial<CertificateRequest> = {}): CertificateRequest => unitRequestOf(commonName, { ...ocsp, ...overrides });
  const foreignAuthority = createCertificateAuthority({
    subject: { commonName: 'Unknown CA', country: 'VN' },
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 3650 * DAY_MS),
  });

  return {
    dir,
    files,
    caPem,
    authority,
    officer: await identity(
      issueCertificate({ ...unitRequest('Nguyễn Thị Thu Hà'), subject: { commonName: 'Nguyễn Thị Thu Hà', country: 'VN' } }, authority),
      authority,
    ),
    unit: await loadPkcs12(await readFile(files.unitP12Path), await readFile(files.unitPasswordPath, 'utf8')),
    expired: await identity(
      issueCertificate(unitRequest('UBND xã Hết Hạn', { notBefore: new Date(now - 800 * DAY_MS), notAfter: new Date(now - 365 * DAY_MS) }), authority),
      authority,
    ),
    notYetValid: await identity(
      issueCertificate(unitRequest('UBND xã Chưa Đến', { notBefore: new Date(now + 365 * DAY_MS), notAfter: new Date(now + 800 * DAY_MS) }), authority),
      authority,
    ),
    withoutKeyUsage: await identity(issueCertificate(unitRequest('UBND xã Không Dùng', { keyUsage: null }), authority), authority),
    foreign: await identity(issueCertificate(unitRequest('UBND xã Lạ'), foreignAuthority), foreignAuthority),
    foreignCaPem: foreignAuthority.certificatePem,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A small document like a digitized dossier component: a few text pages. */
export async function samplePdf(pages = 5): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let index = 1; index <= pages; index += 1) {
    const page = doc.addPage([595, 842]);
    page.drawText(`Ho so 000.00.19.H29-261122-0001 - trang ${index}`, { x: 50, y: 780, size: 14, font });
  }
  return doc.save();
}

/**
 * How OpenSSL reads a CMS signature: the whole `-print` dump, the signer's part of it, and the names of the
 * signer's signed attributes (the TSA token nested in unsignedAttrs carries attributes of its own, left out).
 */
export function opensslCmsView(cms: Uint8Array): { printed: string; signerInfo: string; signedAttributes: string[] } {
  const printed = execFileSync('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER'], { input: cms, encoding: 'utf8' });
  const signerInfo = printed.slice(printed.indexOf('signerInfos:'));
  const signedAttrs = signerInfo.slice(signerInfo.indexOf('signedAttrs:'), signerInfo.indexOf('signatureAlgorithm:'));
  return { printed, signerInfo, signedAttributes: [...signedAttrs.matchAll(/object: ([^\n]+)/g)].map((m) => m[1]) };
}

