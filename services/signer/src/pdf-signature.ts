/**
 * Signs a PDF as PAdES baseline B-B (or B-T with a time-stamp authority):
 * an incremental update with the placeholder, byte ranges, SHA-256 over them,
 * CMS into /Contents. A signed PDF can be signed again (officer, then unit);
 * the earlier signatures stay valid. The key is a `SigningKey`: this code
 * never learns where it lives (a PKCS#12 here, a token or a remote signer).
 */
import { signCades } from './cms.ts';
import { SignerError } from './errors.ts';
import { signerFacts, type SigningKey } from './signing-key.ts';
import type { SignatureAppearance, SignaturePlacement } from './appearance.ts';
import { CONTENTS_CAPACITY_BYTES, CONTENTS_CAPACITY_WITH_TIMESTAMP_BYTES } from './placeholder.ts';
import { assertMaySign } from './signing-policy.ts';
import { finishInThread, prepareInThread } from './threads/sign-pool.ts';
import { requestTimestamp, type TimestampAuthority } from './timestamp.ts';

export interface SignOptions {
  /** Defaults to now. Goes into /M, not into the CMS (PAdES forbids signing-time there). */
  signingTime?: Date;
  reason?: string;
  location?: string;
  /** Defaults to the certificate's common name. */
  signerName?: string;
  contactInfo?: string;
  /** A visible signature box on page 1 (unit: top right with the seal; officer: top left). Invisible when absent. */
  appearance?: SignatureAppearance;
  /** B-T: an RFC 3161 time-stamp over the signature value. Signing fails (to be retried) when the TSA does not answer. */
  timestampAuthority?: TimestampAuthority;
  /** Told where the visible box went (its `warning` says when it left its corner or covers ink). */
  onPlacement?: (placement: SignaturePlacement) => void;
}

/** /M has whole seconds; round so that what is checked is what is written. */
function wholeSeconds(time: Date): Date {
  return new Date(Math.floor(time.getTime() / 1000) * 1000);
}

/** The mechanics without the identity checks; tests use it to make signatures a verifier must reject. */
export async function embedSignature(pdf: Uint8Array, key: SigningKey, options: SignOptions & { signingTime: Date }): Promise<Uint8Array> {
  const tsa = options.timestampAuthority;
  const [signer, ...issuers] = key.certificateChain;
  if (!signer) throw new SignerError('bad-key', 'The signing key comes without its certificate.');
  const signerCertificateDer = new Uint8Array(signer.raw);
  // pdf-lib, the box and the CMS run in the signing thread; the key signs here, and the TSA is asked from here.
  const prepared = await prepareInThread({
    pdf,
    values: {
      signingTime: options.signingTime,
      signerName: options.signerName ?? signerFacts(key).subjectName,
      reason: options.reason,
      location: options.location,
      contactInfo: options.contactInfo,
    },
    options: { appearance: options.appearance, contentsCapacity: tsa ? CONTENTS_CAPACITY_WITH_TIMESTAMP_BYTES : CONTENTS_CAPACITY_BYTES },
    signerCertificateDer,
  });
  if (prepared.placement) options.onPlacement?.(prepared.placement);
  const signatureValue = await signCades(key, prepared.toBeSigned, signerCertificateDer);
  const timestampToken = tsa ? await requestTimestamp(tsa, signatureValue) : undefined;
  return finishInThread({
    bytes: prepared.bytes,
    offsets: prepared.offsets,
    cms: {
      documentDigest: prepared.documentDigest,
      signerCertificateDer,
      chainDer: issuers.map((certificate) => new Uint8Array(certificate.raw)),
      algorithm: key.algorithm,
      signatureValue,
      timestampToken,
    },
  });
}

export async function signPdf(pdf: Uint8Array, key: SigningKey, options: SignOptions = {}): Promise<Uint8Array> {
  const signingTime = wholeSeconds(options.signingTime ?? new Date());
  assertMaySign(key, signingTime);
  return embedSignature(pdf, key, { ...options, signingTime });
}

export interface SignAsOptions {
  /** 'unit': organization signature with the seal, top right; 'officer': personal signature, top left. */
  role: 'unit' | 'officer';
  /** Shown in the box and in /Name; defaults to the certificate's common name. */
  name?: string;
  sealImage?: Uint8Array;
  /** false: no visible box (the signature is still there). */
  visible?: boolean;
  timestampAuthority?: TimestampAuthority;
  reason?: string;
  location?: string;
  signingTime?: Date;
  onPlacement?: SignOptions['onPlacement'];
}

/**
 * How sohoa signs a record, for the pipeline and `sohoa sign` alike: the
 * visible box for the role, B-T when a time-stamp authority is configured.
 */
export function signAs(pdf: Uint8Array, key: SigningKey, options: SignAsOptions): Promise<Uint8Array> {
  const name = options.name ?? signerFacts(key).subjectName;
  return signPdf(pdf, key, {
    signingTime: options.signingTime,
    reason: options.reason,
    location: options.location,
    signerName: name,
    appearance: options.visible === false ? undefined : { role: options.role, name, sealImage: options.sealImage },
    timestampAuthority: options.timestampAuthority,
    onPlacement: options.onPlacement,
  });
}
