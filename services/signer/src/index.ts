/**
 * @sohoa/signer — PAdES signatures for digitized records: load a unit's
 * PKCS#12, sign a PDF (baseline B-B), verify every signature in a PDF, and a
 * development PKI for first start.
 */
export { SignerError, type SignerErrorCode } from './errors.ts';
export { loadPkcs12, type SigningIdentity } from './pkcs12.ts';
export { signPdf, type SignOptions } from './pdf-signature.ts';
export { verifyPdf, type SignatureCheck, type VerificationReport, type VerifyOptions } from './verify.ts';
export { formatReport } from './report.ts';
export { ensureDevelopmentPki, type DevelopmentPki, type DevelopmentPkiOptions } from './dev-pki.ts';
