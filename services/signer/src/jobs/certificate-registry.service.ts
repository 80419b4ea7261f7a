/**
 * The registry of units' and officers' signing certificates: import (with
 * the checks that keep a useless certificate out), status with the expiry
 * warning, revocation, and the trust anchors everything is judged against.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '@sohoa/shared';
import { certificateStatus, inspectCertificate, loadPkcs12, readPassword, SignerError, type CertificateStatus, type PasswordSource, type SigningIdentity } from '../index.ts';
import { assertMaySign } from '../signing-policy.ts';
import { insertActiveCertificate, type CertificateRole, type UnitCertificateRow } from './unit-certificate.repository.ts';

export interface SigningSettings {
  /** RFC 3161 time-stamp authority: records are signed B-T when set. */
  tsaUrl?: string;
  /** Directory of trusted CA certificates (*.pem, *.crt, *.cer) and CRLs (*.crl). */
  trustAnchorsDir: string;
  /** Extra anchor files, e.g. the development CA of the embedded first start. */
  extraAnchorFiles?: string[];
  /** Warn this many days before a certificate expires. */
  expiryWarningDays: number;
  /** Fetch CRLs from the distribution points certificates name, and ask their OCSP responders, when reachable. */
  fetchRevocation: boolean;
  /** An unknown revocation status does not make a signature invalid (REVOCATION_SOFT_FAIL); the report still says so. */
  revocationSoftFail?: boolean;
  /** An OCSP responder to ask instead of the certificates' own (OCSP_URL). */
  ocspUrl?: string;
}

// Kept here for the callers that import it from the jobs; it lives beside the verifier.
export { loadTrustMaterial, type TrustMaterial } from '../trust-material.ts';

export interface RegisterCertificateOptions {
  unitId: string;
  p12Path: string;
  passwordPath?: string;
  passwordEnv?: string;
  actor: string;
  role?: CertificateRole;
  /** The officer's name as shown in the signature box; the certificate's common name by default. */
  holderName?: string;
  /** A scan of the unit's seal (PNG/JPEG) for the visible signature. */
  sealPath?: string;
  /**
   * The chain must end at one of these. Left out only by the first-start
   * bootstrap, whose development CA it has just made itself.
   */
  trustAnchorsPem?: string[];
}

export function passwordSource(row: { password_path: string | null; password_env: string | null }): PasswordSource {
  return row.password_env ? { env: row.password_env } : { file: row.password_path! };
}

/** Unlocks a registered certificate; the cost of the key derivation is why callers cache the result. */
export async function unlockCertificate(row: Pick<UnitCertificateRow, 'p12_path' | 'password_path' | 'password_env'>): Promise<SigningIdentity> {
  const p12 = await fs.readFile(row.p12_path).catch(() => {
    throw new SignerError('bad-pkcs12', `The certificate file ${row.p12_path} cannot be read.`);
  });
  return loadPkcs12(p12, await readPassword(passwordSource(row)));
}

/**
 * Imports a PKCS#12 as the unit's (or its officer's) signing certificate.
 * Refuses, with the reason: a wrong password, an expired or not-yet-valid
 * certificate, one not allowed to sign, one that chains to no trust anchor.
 */
export async function registerUnitCertificate(db: Db, o: RegisterCertificateOptions): Promise<string> {
  if (!o.passwordPath === !o.passwordEnv) throw new SignerError('missing-password', 'Give the certificate password as a secret file or as an environment variable name (one of them).');
  const identity = await unlockCertificate({ p12_path: o.p12Path, password_path: o.passwordPath ?? null, password_env: o.passwordEnv ?? null });
  let facts: Awaited<ReturnType<typeof inspectCertificate>> | null = null;
  if (o.trustAnchorsPem) facts = await inspectCertificate(identity, { trustAnchorsPem: o.trustAnchorsPem });
  else assertMaySign(identity, new Date());
  return insertActiveCertificate(db, {
    unitId: o.unitId,
    role: o.role ?? 'unit',
    p12Path: path.resolve(o.p12Path),
    passwordPath: o.passwordPath ? path.resolve(o.passwordPath) : null,
    passwordEnv: o.passwordEnv ?? null,
    holderName: o.holderName ?? null,
    sealPath: o.sealPath ?? null,
    subject: identity.subjectName,
    issuer: facts?.issuer ?? null,
    serialNumber: facts?.serialNumber ?? null,
    fingerprintSha256: facts?.fingerprintSha256 ?? null,
    notBefore: identity.notBefore,
    notAfter: identity.notAfter,
    actor: o.actor,
  });
}

export interface CertificateView {
  id: string;
  role: CertificateRole;
  active: boolean;
  subject: string;
  holderName: string | null;
  issuer: string | null;
  serialNumber: string | null;
  fingerprintSha256: string | null;
  notBefore: string;
  notAfter: string;
  /** Where the password is kept, never the password (nor the file's path). */
  passwordFrom: 'file' | 'environment';
  revokedAt: string | null;
  revocationReason: string | null;
  status: CertificateStatus;
}

export function certificateView(row: UnitCertificateRow, now: Date, warningDays: number): CertificateView {
  return {
    id: row.id,
    role: row.role,
    active: row.active,
    subject: row.subject,
    holderName: row.holder_name,
    issuer: row.issuer,
    serialNumber: row.serial_number,
    fingerprintSha256: row.fingerprint_sha256,
    notBefore: row.not_before.toISOString(),
    notAfter: row.not_after.toISOString(),
    passwordFrom: row.password_env ? 'environment' : 'file',
    revokedAt: row.revoked_at?.toISOString() ?? null,
    revocationReason: row.revocation_reason,
    status: certificateStatus({ subject: row.holder_name ?? row.subject, notBefore: row.not_before, notAfter: row.not_after, revokedAt: row.revoked_at }, now, warningDays),
  };
}
