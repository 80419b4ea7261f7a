export { signDocumentJob, type SignJobDeps } from './sign.job.ts';
export { activeCertificate, certificateById, listCertificates, markRevoked, type CertificateRole, type UnitCertificateRow } from './unit-certificate.repository.ts';
export {
  certificateView,
  keySourceOf,
  loadTrustMaterial,
  registerUnitCertificate,
  registerUploadedCertificate,
  unlockCertificate,
  type CertificateView,
  type RegisterCertificateOptions,
  type RegisterUploadedCertificateOptions,
  type SigningSettings,
  type TrustMaterial,
} from './certificate-registry.service.ts';
export { signAsUnit, signingRefusal, sealOf, type UnitSignatureOptions } from './unit-signature.ts';
