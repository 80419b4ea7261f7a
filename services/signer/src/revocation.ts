/**
 * Revocation of a signer's certificate, from every source at hand:
 * - CRLs the caller configured (files in the trust-anchors folder) are always
 *   read: they are local and cost nothing;
 * - the OCSP responder (the certificate's Authority Information Access, or a
 *   configured override) is asked when going online is allowed, even when a
 *   configured CRL already answered: a responder is as fresh as the CA's
 *   database, a CRL file only as fresh as its last copy;
 * - the CRL at the certificate's distribution point is fetched only when
 *   neither of those gave an answer: it can be megabytes and is never fresher.
 * A CRL only counts when its issuer's signature over it verifies, an OCSP
 * answer only when ocsp.ts accepts it. "Revoked" from any accepted source wins
 * (the earliest time); "good" needs at least one accepted source saying so.
 * Only the signer's certificate is checked, not the authorities above it.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import './crypto-engine.ts';
import { askOcspResponder, ocspResponderUrls } from './ocsp.ts';

export type RevocationStatus = 'good' | 'revoked' | 'not-checked';

export interface RevocationCheck {
  status: RevocationStatus;
  revokedAt?: Date;
  /** Where the answer came from, or why there is none, in words. */
  source: string;
  /** Other sources that were tried and gave no usable answer, in words. */
  notes?: string[];
}

export interface RevocationSources {
  /** DER or PEM CRLs to consult. */
  crls?: Uint8Array[];
  /** Fetch the CRL named in the certificate's CRL distribution points (http only). */
  fetchDistributionPoints?: boolean;
  fetchTimeoutMs?: number;
  /**
   * Ask the OCSP responder the certificate names. Defaults to
   * fetchDistributionPoints: both mean "going online for revocation is allowed".
   */
  askOcsp?: boolean;
  /** A responder to ask instead of the certificate's own (e.g. a relay inside the network); asked whenever set. */
  ocspUrl?: string;
}

const CRL_DISTRIBUTION_POINTS = '2.5.29.31';

function crlFromBytes(bytes: Uint8Array): pkijs.CertificateRevocationList | null {
  const text = Buffer.from(bytes).toString('latin1');
  const der = text.includes('-----BEGIN X509 CRL-----')
    ? Buffer.from(text.replace(/-----(BEGIN|END) X509 CRL-----/g, '').replace(/\s+/g, ''), 'base64')
    : Buffer.from(bytes);
  try {
    return pkijs.CertificateRevocationList.fromBER(new Uint8Array(der));
  } catch {
    return null;
  }
}

/** http(s) URLs in the certificate's CRL distribution points. */
export function distributionPointUrls(certificate: pkijs.Certificate): string[] {
  const extension = certificate.extensions?.find((item) => item.extnID === CRL_DISTRIBUTION_POINTS);
  if (!extension) return [];
  try {
    const points = pkijs.CRLDistributionPoints.fromBER(extension.extnValue.valueBlock.valueHexView as Uint8Array<ArrayBuffer>);
    return points.distributionPoints
      .flatMap((point) => (Array.isArray(point.distributionPoint) ? point.distributionPoint : []))
      .filter((name) => name.type === 6 && typeof name.value === 'string' && /^https?:\/\//.test(name.value))
      .map((name) => name.value as string);
  } catch {
    return [];
  }
}

async function fetchCrl(url: string, timeoutMs: number): Promise<Uint8Array | null> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return response.ok ? new Uint8Array(await response.arrayBuffer()) : null;
  } catch {
    return null;
  }
}

async function issuedAndSignedBy(crl: pkijs.CertificateRevocationList, issuer: pkijs.Certificate): Promise<boolean> {
  if (!crl.issuer.isEqual(issuer.subject)) return false;
  try {
    return await crl.verify({ issuerCertificate: issuer });
  } catch {
    return false;
  }
}

interface Finding {
  status: 'good' | 'revoked';
  revokedAt?: Date;
  source: string;
}

/** Configured CRLs, then (when asked to) the ones at the distribution points. */
async function crlFindings(certificate: pkijs.Certificate, issuer: pkijs.Certificate, crls: Array<{ bytes: Uint8Array; from: string }>): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const candidate of crls) {
    const crl = crlFromBytes(candidate.bytes);
    if (!crl || !(await issuedAndSignedBy(crl, issuer))) continue;
    const entry = crl.revokedCertificates?.find((revoked) => revoked.userCertificate.isEqual(certificate.serialNumber as asn1js.Integer));
    findings.push(entry ? { status: 'revoked', revokedAt: entry.revocationDate.value, source: candidate.from } : { status: 'good', source: candidate.from });
  }
  return findings;
}

async function ocspFinding(certificate: pkijs.Certificate, issuer: pkijs.Certificate, sources: RevocationSources, notes: string[]): Promise<Finding | null> {
  const urls = sources.ocspUrl ? [sources.ocspUrl] : (sources.askOcsp ?? sources.fetchDistributionPoints) ? ocspResponderUrls(certificate) : [];
  for (const url of urls) {
    const answer = await askOcspResponder(certificate, issuer, { url, timeoutMs: sources.fetchTimeoutMs ?? 5000 });
    const source = `OCSP responder ${url}: ${answer.detail}`;
    if (answer.status === 'good' || answer.status === 'revoked') return { status: answer.status, revokedAt: answer.revokedAt, source };
    notes.push(source);
  }
  return null;
}

function conclusion(findings: Finding[], notes: string[]): RevocationCheck | null {
  const revoked = findings
    .filter((finding) => finding.status === 'revoked')
    .sort((a, b) => a.revokedAt!.getTime() - b.revokedAt!.getTime())[0];
  const withNotes = (check: RevocationCheck): RevocationCheck => (notes.length ? { ...check, notes } : check);
  if (revoked) return withNotes({ status: 'revoked', revokedAt: revoked.revokedAt, source: revoked.source });
  // OCSP first among the "good" answers: it is the fresher one.
  const good = findings.find((finding) => finding.source.startsWith('OCSP')) ?? findings[0];
  return good ? withNotes({ status: 'good', source: good.source }) : null;
}

/** Looks the certificate up in every source at hand; never throws, and says in words why there is no answer. */
export async function checkRevocation(certificate: pkijs.Certificate, issuer: pkijs.Certificate | undefined, sources: RevocationSources): Promise<RevocationCheck> {
  if (!issuer) return { status: 'not-checked', source: 'the issuer of the certificate is unknown' };
  const notes: string[] = [];
  const findings = await crlFindings(certificate, issuer, (sources.crls ?? []).map((bytes) => ({ bytes, from: 'a configured CRL' })));
  const ocsp = await ocspFinding(certificate, issuer, sources, notes);
  if (ocsp) findings.unshift(ocsp);

  const urls = findings.length === 0 && sources.fetchDistributionPoints ? distributionPointUrls(certificate) : [];
  const fetched: Array<{ bytes: Uint8Array; from: string }> = [];
  for (const url of urls) {
    const bytes = await fetchCrl(url, sources.fetchTimeoutMs ?? 10_000);
    if (bytes) fetched.push({ bytes, from: `the CRL at ${url}` });
  }
  findings.push(...(await crlFindings(certificate, issuer, fetched)));

  const answer = conclusion(findings, notes);
  if (answer) return answer;
  if (urls.length > 0) notes.push(`no CRL could be fetched from ${urls.join(', ')}`);
  // Not "good": nobody vouched that the certificate is not revoked.
  if (notes.length > 0) return { status: 'not-checked', source: notes.join('; ') };
  return { status: 'not-checked', source: 'no CRL or OCSP responder is configured' };
}
