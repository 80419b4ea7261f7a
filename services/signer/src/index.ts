/**
 * @sohoa/signer — PAdES signatures for digitized records: open a unit's key
 * through the key transports (a PKCS#12 file, or an uploaded one sealed in the
 * database; RSA or ECDSA) behind the `SigningKey` seam, sign a PDF (baseline B-B, or B-T with a TSA; visible
 * or not; again after an earlier signature), verify every signature in a PDF, and a
 * development PKI for first start.
 */
export { SignerError, type SignerErrorCode } from './errors.ts';
export { identityOf, keyObjectSigningKey, signerFacts, type SignerFacts, type SigningAlgorithm, type SigningIdentity, type SigningKey } from './signing-key.ts';
export { loadPkcs12, type Pkcs12Identity } from './pkcs12.ts';
export { createKeyTransports, KEY_ENCRYPTION_KEY_MISSING, type KeySource, type KeyTransports, type KeyTransportSettings } from './key-transports.ts';
export { loadKeyEncryptionKey, type KeyEncryptionKey, type KeyEncryptionKeyOptions } from './key-encryption-key.ts';
export { signAs, signPdf, type SignAsOptions, type SignOptions } from './pdf-signature.ts';
export { MIN_SIGNATURE_SCALE, vietnamTime, type SignatureAppearance, type SignaturePlacement } from './appearance.ts';
export { INK_DARKNESS, MAX_SPECK_INCHES, SPECK_ISOLATION_INCHES } from './ink-map.ts';
export { setInkThreadNice } from './threads/ink-pool.ts';
export { setSignThreadNice } from './threads/sign-pool.ts';
export { sealPng } from './seal.ts';
export { readPassword, type PasswordSource } from './secrets.ts';
export { DEFAULT_OUTBOUND_LIMITS, fetchOutbound, isNonPublicAddress, NO_USABLE_ANSWER, OutboundRefused, requestOutbound, type OutboundLimits, type OutboundResponse } from './outbound.ts';
export { requestTimestamp, type TimestampAuthority } from './timestamp.ts';
export type { TimestampCheck } from './timestamp-verify.ts';
export type { RevocationCheck, RevocationSources } from './revocation.ts';
export { loadTrustMaterial, type TrustMaterial, type TrustMaterialSources } from './trust-material.ts';
export { certificateStatus, inspectCertificate, type CertificateFacts, type CertificateStatus } from './certificate-status.ts';
export { addDocumentTimestamp, addDss, extendToLta, gatherValidationMaterial, lastTimestampOf, ltvFactsOf, readDss, type ExtendOptions, type Extension, type LtvFacts, type PadesLevel, type ValidationMaterial } from './ltv.ts';
export { verifyPdf, type SignatureCheck, type VerificationReport, type VerifyOptions } from './verify.ts';
export { formatReport } from './report.ts';
export { ensureDevelopmentPki, type DevelopmentPki, type DevelopmentPkiOptions } from './dev-pki.ts';
