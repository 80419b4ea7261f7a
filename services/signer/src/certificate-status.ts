/**
 * What the certificate registry decides, without any I/O: whether a unit's or
 * officer's PKCS#12 may be imported (valid now, allowed to sign, chains to a
 * configured trust anchor), and how a registered certificate stands today
 * (valid, expiring within the warning window, expired, revoked).
 */
import { createHash } from 'node:crypto';
import { certificateFromPem, distinguishedName, pemToDer, splitPemBundle } from './certificate.ts';
import { checkChain } from './chain.ts';
import { SignerError } from './errors.ts';
import { assertMaySign } from './signing-policy.ts';
import { signerFacts, type SigningKey } from './signing-key.ts';

export interface CertificateFacts {
  subject: string;
  subjectName: string;
  issuer: string;
  serialNumber: string;
  /** SHA-256 of the DER certificate, hex: what people compare with the CA's letter. */
  fingerprintSha256: string;
  notBefore: Date;
  notAfter: Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Refuses, with the reason in words, a certificate that could not make a
 * signature others accept: expired or not yet valid, key usage without
 * digitalSignature/nonRepudiation, or a chain that ends at no configured anchor.
 */
export async function inspectCertificate(key: SigningKey, options: { trustAnchorsPem: string[]; now?: Date }): Promise<CertificateFacts> {
  const now = options.now ?? new Date();
  assertMaySign(key, now);
  const identity = signerFacts(key);
  const certificate = certificateFromPem(identity.certificatePem);
  const anchors = options.trustAnchorsPem.flatMap(splitPemBundle).map(certificateFromPem);
  if (anchors.length === 0) {
    throw new SignerError('untrusted-chain', 'No trust anchor is configured: add the CA certificate of the unit\'s certificate provider to the trust anchors first.');
  }
  const chain = await checkChain(certificate, identity.chainPem.map(certificateFromPem), anchors, now);
  if (!chain.trusted) {
    throw new SignerError('untrusted-chain', `The certificate of ${identity.subjectName} does not chain to a configured trust anchor (issuer: ${distinguishedName(certificate.issuer)}).`);
  }
  if (!chain.validAtTime) throw new SignerError('untrusted-chain', `The certificate chain of ${identity.subjectName} is not valid now: ${chain.problems.join('; ')}.`);
  return {
    subject: distinguishedName(certificate.subject),
    subjectName: identity.subjectName,
    issuer: distinguishedName(certificate.issuer),
    serialNumber: Buffer.from(certificate.serialNumber.valueBlock.valueHexView).toString('hex'),
    fingerprintSha256: createHash('sha256').update(pemToDer(identity.certificatePem)).digest('hex'),
    notBefore: identity.notBefore,
    notAfter: identity.notAfter,
  };
}

export type CertificateState = 'valid' | 'expiring' | 'expired' | 'not-yet-valid' | 'revoked';

export interface CertificateStatus {
  state: CertificateState;
  /** Whole days until notAfter (negative once expired). */
  daysLeft: number;
  /** May it sign now? Expiring certificates still may. */
  maySign: boolean;
  /** A sentence for the UI when someone should act. */
  warning: string | null;
}

export function certificateStatus(
  certificate: { subject: string; notBefore: Date; notAfter: Date; revokedAt?: Date | null },
  now: Date,
  warningDays: number,
): CertificateStatus {
  const daysLeft = Math.floor((certificate.notAfter.getTime() - now.getTime()) / DAY_MS);
  const until = certificate.notAfter.toISOString().slice(0, 10);
  if (certificate.revokedAt) {
    return { state: 'revoked', daysLeft, maySign: false, warning: `The certificate of ${certificate.subject} was revoked on ${certificate.revokedAt.toISOString().slice(0, 10)}; import a new one.` };
  }
  if (now > certificate.notAfter) {
    return { state: 'expired', daysLeft, maySign: false, warning: `The certificate of ${certificate.subject} expired on ${until}; import the renewed one.` };
  }
  if (now < certificate.notBefore) {
    return { state: 'not-yet-valid', daysLeft, maySign: false, warning: `The certificate of ${certificate.subject} is valid only from ${certificate.notBefore.toISOString().slice(0, 10)}.` };
  }
  if (daysLeft < warningDays) {
    return { state: 'expiring', daysLeft, maySign: true, warning: `The certificate of ${certificate.subject} expires on ${until} (in ${daysLeft} day${daysLeft === 1 ? '' : 's'}); ask the provider for a renewal.` };
  }
  return { state: 'valid', daysLeft, maySign: true, warning: null };
}
