/**
 * Builds the path from a signer certificate up to a trust anchor and judges
 * it at the signing time: each link's signature, each certificate's validity
 * window, and that every issuer is a certificate authority.
 *
 * Revocation is judged apart, for the signer's certificate only (revocation.ts:
 * OCSP and CRLs).
 */
import type * as pkijs from 'pkijs';
import './crypto-engine.ts';
import { displayName, isCertificateAuthority, sameCertificate, validityAt } from './certificate.ts';

const MAX_PATH_LENGTH = 8;

export interface ChainCheck {
  /** Signer first, anchor last when trusted. */
  path: pkijs.Certificate[];
  trusted: boolean;
  validAtTime: boolean;
  problems: string[];
}

/** Whether `issuer` names and signed `subject`. */
export async function issuedBy(subject: pkijs.Certificate, issuer: pkijs.Certificate): Promise<boolean> {
  if (!subject.issuer.isEqual(issuer.subject)) return false;
  try {
    return await subject.verify(issuer);
  } catch {
    return false;
  }
}

function describeValidity(certificate: pkijs.Certificate, time: Date, role: string): string | null {
  const validity = validityAt(certificate, time);
  const name = displayName(certificate);
  if (validity === 'expired') {
    return `the ${role} certificate (${name}) had expired at signing time (valid until ${certificate.notAfter.value.toISOString()})`;
  }
  if (validity === 'not-yet-valid') {
    return `the ${role} certificate (${name}) was not yet valid at signing time (valid from ${certificate.notBefore.value.toISOString()})`;
  }
  return null;
}

export async function checkChain(
  signer: pkijs.Certificate,
  intermediates: pkijs.Certificate[],
  anchors: pkijs.Certificate[],
  time: Date,
): Promise<ChainCheck> {
  const path: pkijs.Certificate[] = [signer];
  const problems: string[] = [];
  let trusted = false;

  for (let current = signer; path.length <= MAX_PATH_LENGTH; ) {
    if (anchors.some((anchor) => sameCertificate(anchor, current))) {
      trusted = true;
      break;
    }
    let issuer: pkijs.Certificate | undefined;
    for (const candidate of anchors) if (await issuedBy(current, candidate)) issuer = candidate;
    const fromAnchor = issuer !== undefined;
    if (!issuer) {
      for (const candidate of intermediates) {
        if (path.includes(candidate) || !(await issuedBy(current, candidate))) continue;
        issuer = candidate;
        break;
      }
    }
    if (!issuer) break;
    if (!isCertificateAuthority(issuer)) {
      problems.push(`the certificate ${displayName(issuer)} issued another certificate but is not a certificate authority`);
      break;
    }
    path.push(issuer);
    if (fromAnchor) {
      trusted = true;
      break;
    }
    current = issuer;
  }

  if (!trusted) problems.push("the signer's certificate does not chain to a trusted authority");

  const validityProblems = path
    .map((certificate, index) => describeValidity(certificate, time, index === 0 ? "signer's" : index === path.length - 1 && trusted ? 'trusted authority' : 'intermediate authority'))
    .filter((problem): problem is string => problem !== null);
  problems.push(...validityProblems);

  return { path, trusted, validAtTime: validityProblems.length === 0, problems };
}
