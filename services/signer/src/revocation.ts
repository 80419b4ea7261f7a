/**
 * Revocation of a signer's certificate, from every source at hand:
 * - CRLs the caller configured (files in the trust-anchors folder) are always
 *   read: they are local and cost nothing;
 * - the OCSP responder (the certificate's Authority Information Access, or a
 *   configured override) is asked when going online is allowed (REVOCATION_FETCH;
 *   off means no request leaves, to anybody, OCSP_URL included), even when a
 *   configured CRL already answered: a responder is as fresh as the CA's
 *   database, a CRL file only as fresh as its last copy;
 * - the CRL at the certificate's distribution point is fetched only when
 *   neither of those gave an answer: it can be megabytes and is never fresher.
 * A CRL only counts when its issuer's signature over it verifies, an OCSP
 * answer only when ocsp.ts accepts it. "Revoked" from any accepted source wins
 * (the earliest time); "good" needs at least one accepted source saying so.
 * Without an answer the status is "unknown" (a source exists, but it was not
 * asked, did not answer, refused, or did not know the certificate): the verifier
 * then does not call the signature valid unless soft-fail is on. A certificate
 * that names no responder and no CRL, with no OCSP_URL and no configured CRL
 * from its issuer, is "not-offered": its authority gives nobody a way to ask.
 * Only the signer's certificate is checked, not the authorities above it.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import './crypto-engine.ts';
import { askOcspResponder, judgeOcspResponse, ocspResponderUrls, ocspThisUpdate } from './ocsp.ts';
import { DEFAULT_OUTBOUND_LIMITS, fetchOutbound, type OutboundLimits } from './outbound.ts';

/**
 * good/revoked: an accepted source said so. unknown: a revocation service exists (named in the
 * certificate or configured) but gave no usable answer. not-offered: there is none to ask.
 */
export type RevocationStatus = 'good' | 'revoked' | 'unknown' | 'not-offered';

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
  /**
   * Going online for revocation is allowed (REVOCATION_FETCH): ask the OCSP responder and,
   * when nothing answered, fetch the CRL of the certificate's distribution points (http only).
   * Off: nobody is asked, and only the configured CRLs can answer.
   */
  online?: boolean;
  fetchTimeoutMs?: number;
  /** Limits of every fetch (outbound.ts); absent: the defaults, which ask no private or loopback address. */
  outbound?: OutboundLimits;
  /** A responder to ask instead of the certificate's own (e.g. a relay inside the network), when online. */
  ocspUrl?: string;
  /**
   * OCSP responses kept with the document (a PAdES B-LT DSS): read offline, never fetched. Each is judged as of
   * its own thisUpdate (signature, responder, certificate), and counts only when it was produced no earlier than
   * `archivedAfter` (the signature's time): an answer from before the signature says nothing about it.
   */
  archivedOcsp?: Uint8Array[];
  archivedAfter?: Date;
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

async function fetchCrl(url: string, limits: OutboundLimits): Promise<Uint8Array | null> {
  try {
    return (await fetchOutbound(url, {}, limits)).bytes;
  } catch {
    return null;
  }
}

/** The fetch limits of these sources; the operator's own OCSP_URL may be inside the network (that is what it is for). */
function limitsOf(sources: RevocationSources, fallbackTimeoutMs: number, operatorChosen = false): OutboundLimits {
  const base = sources.outbound ?? DEFAULT_OUTBOUND_LIMITS;
  return { ...base, timeoutMs: sources.fetchTimeoutMs ?? fallbackTimeoutMs, allowPrivate: base.allowPrivate || operatorChosen };
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

async function ocspFinding(certificate: pkijs.Certificate, issuer: pkijs.Certificate, urls: string[], sources: RevocationSources, notes: string[]): Promise<Finding | null> {
  for (const url of urls) {
    const answer = await askOcspResponder(certificate, issuer, { url, outbound: limitsOf(sources, 5000, url === sources.ocspUrl) });
    const source = `OCSP responder ${url}: ${answer.detail}`;
    if (answer.status === 'good' || answer.status === 'revoked') return { status: answer.status, revokedAt: answer.revokedAt, source };
    notes.push(source);
  }
  return null;
}

async function archivedOcspFindings(certificate: pkijs.Certificate, issuer: pkijs.Certificate, sources: RevocationSources, notes: string[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const bytes of sources.archivedOcsp ?? []) {
    const producedAt = ocspThisUpdate(bytes);
    if (!producedAt) continue;
    const answer = await judgeOcspResponse(bytes, certificate, issuer, { now: producedAt }).catch(() => null);
    if (!answer || (answer.status !== 'good' && answer.status !== 'revoked')) continue; // about another certificate, or not believable
    if (sources.archivedAfter && producedAt.getTime() < sources.archivedAfter.getTime()) {
      notes.push(`an OCSP response kept in the document predates the signature (${producedAt.toISOString()})`);
      continue;
    }
    // OCSP in the name so the "good" answers prefer it, as they prefer a live one.
    findings.push({ status: answer.status, revokedAt: answer.revokedAt, source: `an OCSP response kept in the document (DSS): ${answer.detail}` });
  }
  return findings;
}

function conclusion(findings: Finding[], notes: string[]): RevocationCheck | null {
  const revoked = findings
    .filter((finding) => finding.status === 'revoked')
    .sort((a, b) => a.revokedAt!.getTime() - b.revokedAt!.getTime())[0];
  const withNotes = (check: RevocationCheck): RevocationCheck => (notes.length ? { ...check, notes } : check);
  if (revoked) return withNotes({ status: 'revoked', revokedAt: revoked.revokedAt, source: revoked.source });
  // OCSP first among the "good" answers: it is the fresher one.
  const good = findings.find((finding) => /OCSP/.test(finding.source)) ?? findings[0];
  return good ? withNotes({ status: 'good', source: good.source }) : null;
}

/** Looks the certificate up in every source at hand; never throws, and says in words why there is no answer. */
export async function checkRevocation(certificate: pkijs.Certificate, issuer: pkijs.Certificate | undefined, sources: RevocationSources): Promise<RevocationCheck> {
  if (!issuer) return { status: 'unknown', source: 'the issuer of the certificate is unknown, so no revocation source can be judged' };
  const notes: string[] = [];
  const ocspUrls = sources.ocspUrl ? [sources.ocspUrl] : ocspResponderUrls(certificate);
  const crlUrls = distributionPointUrls(certificate);
  const findings = await crlFindings(certificate, issuer, (sources.crls ?? []).map((bytes) => ({ bytes, from: 'a configured CRL' })));
  findings.unshift(...(await archivedOcspFindings(certificate, issuer, sources, notes)));
  if (sources.online && !findings.some((f) => f.source.startsWith('an OCSP response kept'))) {
    const ocsp = await ocspFinding(certificate, issuer, ocspUrls, sources, notes);
    if (ocsp) findings.unshift(ocsp);
  }

  const fetching = findings.length === 0 && sources.online ? crlUrls : [];
  const fetched: Array<{ bytes: Uint8Array; from: string }> = [];
  for (const url of fetching) {
    const bytes = await fetchCrl(url, limitsOf(sources, 10_000));
    if (bytes) fetched.push({ bytes, from: `the CRL at ${url}` });
  }
  findings.push(...(await crlFindings(certificate, issuer, fetched)));

  const answer = conclusion(findings, notes);
  if (answer) return answer;
  // Not "good": nobody vouched that the certificate is not revoked.
  const named = [...ocspUrls.map((url) => `OCSP responder ${url}`), ...crlUrls.map((url) => `CRL ${url}`)];
  if (named.length === 0) {
    return { status: 'not-offered', source: 'the certificate names no OCSP responder or CRL, no OCSP_URL is set, and no configured CRL is from its issuer' };
  }
  if (!sources.online) {
    return { status: 'unknown', source: `revocation fetching is off (REVOCATION_FETCH=off): ${named.join(', ')} not asked, and no configured CRL is from the issuer` };
  }
  if (fetching.length > 0) notes.push(`no usable CRL could be fetched from ${fetching.join(', ')}`);
  return { status: 'unknown', source: notes.join('; ') };
}
