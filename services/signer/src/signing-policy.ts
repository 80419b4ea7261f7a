/**
 * Whether an identity may sign at a given time. Checked before signing so a
 * unit learns about an expired or unsuitable certificate at the counter, not
 * when a verifier rejects the record years later.
 */
import { keyUsageForSigning, validityAt } from './certificate.ts';
import { SignerError } from './errors.ts';
import { signerCertificate, signerFacts, type SigningKey } from './signing-key.ts';

export function assertMaySign(key: SigningKey, signingTime: Date): void {
  const identity = signerFacts(key);
  const certificate = signerCertificate(key);
  const validity = validityAt(certificate, signingTime);
  if (validity === 'expired') {
    throw new SignerError('expired', `The certificate of ${identity.subjectName} expired on ${identity.notAfter.toISOString()}.`);
  }
  if (validity === 'not-yet-valid') {
    throw new SignerError('not-yet-valid', `The certificate of ${identity.subjectName} is valid only from ${identity.notBefore.toISOString()}.`);
  }
  const keyUsage = keyUsageForSigning(certificate);
  if (keyUsage !== 'allowed') {
    throw new SignerError(
      'key-usage',
      keyUsage === 'missing'
        ? `The certificate of ${identity.subjectName} does not state a key usage; a signing certificate must allow digital signature or non-repudiation.`
        : `The certificate of ${identity.subjectName} is not allowed to make signatures (key usage lacks digital signature and non-repudiation).`,
    );
  }
}
