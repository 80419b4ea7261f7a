/**
 * @sohoa/signer — PAdES signatures for digitized records: load a unit's
 * PKCS#12 (RSA or ECDSA), sign a PDF (baseline B-B, or B-T with a TSA; visible
 * or not; again after an earlier signature), verify every signature in a PDF, and a
 * development PKI for first start.
 */
export { SignerError, type SignerErrorCode } from './errors.ts';
export { loadPkcs12, type SigningIdentity } from './pkcs12.ts';
export { signAs, signPdf, type SignAsOptions, type SignOptions } from './pdf-signature.ts';
export { MIN_SIGNATURE_SCALE, vietnamTime, type SignatureAppearance, type SignaturePlacement } from './appearance.ts';
export { INK_DARKNESS, MAX_SPECK_INCHES, SPECK_ISOLATION_INCHES } from './ink-map.ts';
export { sealPng } from './seal.ts';
export { readPassword, type PasswordSource } from './secrets.ts';
export { requestTimestamp, type TimestampAuthority } from './timestamp.ts';
export type { TimestampCheck } from './timestamp-verify.ts';
export type { RevocationCheck, RevocationSources } from './revocation.ts';
export { loadTrustMaterial, type TrustMaterial, type TrustMaterialSources } from './trust-material.ts';
export { certificateStatus, inspectCertificate, type CertificateFacts, type CertificateStatus } from './certificate-status.ts';
export { verifyPdf, type SignatureCheck, type VerificationReport, type VerifyOptions } from './verify.ts';
export { formatReport } from './report.ts';
export { ensureDevelopmentPki, type DevelopmentPki, type DevelopmentPkiOptions } from './dev-pki.ts';
