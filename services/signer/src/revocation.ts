/**
 * Revocation of a signer's certificate from certificate revocation lists:
 * CRLs the caller configured (files), and — when allowed — the CRL at the
 * certificate's own distribution point, if it answers. A CRL only counts when
 * its issuer's signature over it verifies.
 *
 * Not yet: OCSP (an OCSP responder is asked nothing; the report says so).
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import './crypto-engine.ts';

export type RevocationStatus = 'good' | 'revoked' | 'not-checked';

export interface RevocationCheck {
  status: RevocationStatus;
  revokedAt?: Date;
  /** Where the answer came from, or why there is none, in words. */
  source: string;
}

export interface RevocationSources {
  /** DER or PEM CRLs to consult. */
  crls?: Uint8Array[];
  /** Fetch the CRL named in the certificate's CRL distribution points (http only). */
  fetchDistributionPoints?: boolean;
  fetchTimeoutMs?: number;
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

/**
 * Looks the certificate up in every CRL from its issuer. Revoked in any of
 * them wins; 'good' needs at least one verified CRL that does not list it.
 */
export async function checkRevocation(certificate: pkijs.Certificate, issuer: pkijs.Certificate | undefined, sources: RevocationSources): Promise<RevocationCheck> {
  if (!issuer) return { status: 'not-checked', source: 'the issuer of the certificate is unknown' };
  const candidates: Array<{ bytes: Uint8Array; from: string }> = (sources.crls ?? []).map((bytes) => ({ bytes, from: 'a configured CRL' }));
  const urls = sources.fetchDistributionPoints ? distributionPointUrls(certificate) : [];
  for (const url of urls) {
    const bytes = await fetchCrl(url, sources.fetchTimeoutMs ?? 10_000);
    if (bytes) candidates.push({ bytes, from: `the CRL at ${url}` });
  }

  let good: string | null = null;
  for (const candidate of candidates) {
    const crl = crlFromBytes(candidate.bytes);
    if (!crl || !(await issuedAndSignedBy(crl, issuer))) continue;
    const entry = crl.revokedCertificates?.find((revoked) => revoked.userCertificate.isEqual(certificate.serialNumber as asn1js.Integer));
    if (entry) return { status: 'revoked', revokedAt: entry.revocationDate.value, source: candidate.from };
    good ??= candidate.from;
  }
  if (good) return { status: 'good', source: good };
  if (urls.length > 0) return { status: 'not-checked', source: `no CRL could be fetched from ${urls.join(', ')}` };
  return { status: 'not-checked', source: 'no CRL or OCSP responder is configured' };
}
