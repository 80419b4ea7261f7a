/**
 * The seam in front of the private key. The PAdES and CMS code sign through a
 * `SigningKey` and never see where the key lives: a PKCS#12 unlocked in this
 * process today (pkcs12.ts), a PKCS#11 token or a remote signing service
 * tomorrow — each only has to hand over its certificate chain and sign bytes.
 */
import { createPublicKey, sign as signWithKeyObject, X509Certificate, type KeyObject } from 'node:crypto';
import type * as pkijs from 'pkijs';
import { certificateFromDer, displayName } from './certificate.ts';
import { SignerError } from './errors.ts';

/** The signature schemes the CMS builder writes; the data is always hashed with SHA-256. */
export type SigningAlgorithm = 'rsa-pkcs1-sha256' | 'ecdsa-sha256';

export interface SigningKey {
  /** The signer's certificate first, then its issuers, nearest first. */
  readonly certificateChain: readonly X509Certificate[];
  readonly algorithm: SigningAlgorithm;
  /**
   * Signs `data` (the DER of the CMS signed attributes) hashed with SHA-256,
   * and returns the signature value as CMS carries it: the PKCS#1 v1.5 block
   * for RSA, a DER Ecdsa-Sig-Value for ECDSA. A transport that can only sign a
   * digest (many remote signers) hashes `data` itself.
   */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** What signing and the registry decide on, read from the signer's certificate. */
export interface SignerFacts {
  certificatePem: string;
  /** Issuing certificates, nearest first, without the signer certificate. */
  chainPem: string[];
  subjectName: string;
  notBefore: Date;
  notAfter: Date;
}

/** A key together with the facts of its certificate, read once. */
export type SigningIdentity = SigningKey & SignerFacts;

const parsedSigners = new WeakMap<X509Certificate, pkijs.Certificate>();

/**
 * The signer's certificate as the policy and the facts read it, parsed once per certificate object: a key is kept
 * for many documents, and parsing it again for each cost the event loop a few ms a signature.
 */
export function signerCertificate(key: SigningKey): pkijs.Certificate {
  const [signer] = key.certificateChain;
  if (!signer) throw new SignerError('bad-key', 'The signing key comes without its certificate.');
  let parsed = parsedSigners.get(signer);
  if (!parsed) {
    parsed = certificateFromDer(new Uint8Array(signer.raw));
    parsedSigners.set(signer, parsed);
  }
  return parsed;
}

export function signerFacts(key: SigningKey): SignerFacts {
  const parsed = signerCertificate(key);
  const [signer, ...issuers] = key.certificateChain;
  return {
    certificatePem: signer!.toString(),
    chainPem: issuers.map((certificate) => certificate.toString()),
    subjectName: displayName(parsed),
    notBefore: parsed.notBefore.value,
    notAfter: parsed.notAfter.value,
  };
}

/** The facts of a key's certificate, beside the key: what a transport hands back. */
export function identityOf(key: SigningKey): SigningIdentity {
  const facts = signerFacts(key);
  return {
    ...facts,
    certificateChain: key.certificateChain,
    algorithm: key.algorithm,
    sign: (data) => key.sign(data),
  };
}

const SIGNING_CURVES = new Set(['prime256v1', 'secp384r1', 'secp521r1']);

/** RSA, or ECDSA on a NIST curve; anything else is refused with the reason. */
export function signingAlgorithmOf(key: KeyObject): SigningAlgorithm {
  if (key.asymmetricKeyType === 'rsa') return 'rsa-pkcs1-sha256';
  if (key.asymmetricKeyType === 'ec' && SIGNING_CURVES.has(key.asymmetricKeyDetails?.namedCurve ?? '')) return 'ecdsa-sha256';
  const kind = key.asymmetricKeyType === 'ec' ? `ECDSA on ${key.asymmetricKeyDetails?.namedCurve}` : key.asymmetricKeyType;
  throw new SignerError('unsupported-key', `The certificate file holds a key type sohoa cannot sign with (${kind}); RSA and ECDSA on P-256, P-384 or P-521 are supported.`);
}

/** Whether `key` is the private half of the certificate's public key. */
export function keyMatchesCertificate(key: KeyObject, certificate: X509Certificate): boolean {
  const spki = (k: KeyObject) => k.export({ type: 'spki', format: 'der' });
  return spki(createPublicKey(key)).equals(spki(certificate.publicKey));
}

/**
 * A key held as a node:crypto KeyObject (e.g. read from a PEM a secret store
 * mounted): the smallest transport, and proof that the PAdES code needs no
 * PKCS#12.
 */
export function keyObjectSigningKey(privateKey: KeyObject, certificateChain: X509Certificate[]): SigningKey {
  const algorithm = signingAlgorithmOf(privateKey);
  if (!certificateChain[0] || !keyMatchesCertificate(privateKey, certificateChain[0])) {
    throw new SignerError('bad-key', 'The private key does not belong to the first certificate of the chain.');
  }
  return {
    certificateChain,
    algorithm,
    // dsaEncoding 'der' is what CMS wants for ECDSA; RSA keys sign PKCS#1 v1.5 by default.
    sign: async (data) => new Uint8Array(signWithKeyObject('sha256', data, { key: privateKey, dsaEncoding: 'der' })),
  };
}
