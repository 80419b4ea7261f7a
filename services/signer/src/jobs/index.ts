export { signDocumentJob, type SignJobDeps } from './sign.job.ts';
export { registerUnitCertificate, activeCertificate } from './unit-certificate.repository.ts';
