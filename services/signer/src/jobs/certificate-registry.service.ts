/**
 * The registry of units' and officers' signing certificates: import (with
 * the checks that keep a useless certificate out), status with the expiry
 * warning, revocation, and the trust anchors everything is judged against.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '@sohoa/shared';
import { certificateStatus, inspectCertificate, SignerError, type CertificateStatus, type PasswordSource, type SigningIdentity } from '../index.ts';
import { createKeyTransports, KEY_ENCRYPTION_KEY_MISSING, type KeySource, type KeyTransports } from '../key-transports.ts';
import type { OutboundLimits } from '../outbound.ts';
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
  /** Limits of the fetches certificates cause (OUTBOUND_*); absent: the defaults, which ask no private address. */
  outbound?: OutboundLimits;
}

// Kept here for the callers that import it from the jobs; it lives beside the verifier.
export { loadTrustMaterial, type TrustMaterial } from '../trust-material.ts';

interface CommonRegistration {
  unitId: string;
  actor: string;
  role?: CertificateRole;
  /** The officer's name as shown in the signature box; the certificate's common name by default. */
  holderName?: string;
  /**
   * The chain must end at one of these. Left out only by the first-start
   * bootstrap, whose development CA it has just made itself.
   */
  trustAnchorsPem?: string[];
}

/** A .p12 on the server (e.g. a mounted secret), and where its password is. */
export interface RegisterCertificateOptions extends CommonRegistration {
  p12Path: string;
  passwordPath?: string;
  passwordEnv?: string;
  /** A scan of the unit's seal (PNG/JPEG) on the server: read once, kept in the database. */
  sealPath?: string;
  /** Where keys are opened; by default the file transport alone, which needs no key-encryption key. */
  keys?: KeyTransports;
}

/** An uploaded .p12 and its password, held in memory only until they are sealed into the row. */
export interface RegisterUploadedCertificateOptions extends CommonRegistration {
  p12: Uint8Array;
  password: string;
  sealImage?: Uint8Array;
  keys: KeyTransports;
}

/** Where a registered certificate's key is, for the key transports. */
export function keySourceOf(row: Pick<UnitCertificateRow, 'id' | 'p12_path' | 'password_path' | 'password_env' | 'p12_sealed'>): KeySource {
  if (row.p12_sealed) return { transport: 'pkcs12-sealed', certificateId: row.id, sealed: row.p12_sealed };
  return { transport: 'pkcs12-file', p12Path: row.p12_path!, password: row.password_env ? { env: row.password_env } : { file: row.password_path! } };
}

/** Unlocks a registered certificate; the cost of the key derivation is why callers cache the result. */
export function unlockCertificate(row: Pick<UnitCertificateRow, 'id' | 'p12_path' | 'password_path' | 'password_env' | 'p12_sealed'>, keys: KeyTransports): Promise<SigningIdentity> {
  return keys.open(keySourceOf(row));
}

/**
 * The checks every import passes, whichever way the key came: expired or
 * not-yet-valid, not allowed to sign, chains to no trust anchor.
 */
async function admit(key: SigningIdentity, trustAnchorsPem: string[] | undefined) {
  if (trustAnchorsPem) return inspectCertificate(key, { trustAnchorsPem });
  assertMaySign(key, new Date());
  return null;
}

const MAX_SEAL_IMAGE_BYTES = 1024 * 1024;

async function readSealImage(sealPath: string): Promise<Uint8Array> {
  const bytes = await fs.readFile(sealPath).catch(() => {
    throw new SignerError('bad-seal', `The seal image ${sealPath} cannot be read.`);
  });
  if (bytes.length > MAX_SEAL_IMAGE_BYTES) throw new SignerError('bad-seal', `The seal image ${sealPath} is larger than 1 MiB.`);
  return new Uint8Array(bytes);
}

function rowFacts(key: SigningIdentity, facts: Awaited<ReturnType<typeof admit>>) {
  return {
    subject: key.subjectName,
    issuer: facts?.issuer ?? null,
    serialNumber: facts?.serialNumber ?? null,
    fingerprintSha256: facts?.fingerprintSha256 ?? null,
    notBefore: key.notBefore,
    notAfter: key.notAfter,
  };
}

/**
 * Imports a PKCS#12 on the server as the unit's (or its officer's) signing
 * certificate. Refuses, with the reason: a wrong password, an expired or
 * not-yet-valid certificate, one not allowed to sign, one that chains to no trust anchor.
 */
export async function registerUnitCertificate(db: Db, o: RegisterCertificateOptions): Promise<string> {
  if (!o.passwordPath === !o.passwordEnv) throw new SignerError('missing-password', 'Give the certificate password as a secret file or as an environment variable name (one of them).');
  const password: PasswordSource = o.passwordEnv ? { env: o.passwordEnv } : { file: o.passwordPath! };
  const key = await (o.keys ?? createKeyTransports()).open({ transport: 'pkcs12-file', p12Path: o.p12Path, password });
  const facts = await admit(key, o.trustAnchorsPem);
  return insertActiveCertificate(db, {
    unitId: o.unitId,
    role: o.role ?? 'unit',
    p12Path: path.resolve(o.p12Path),
    passwordPath: o.passwordPath ? path.resolve(o.passwordPath) : null,
    passwordEnv: o.passwordEnv ?? null,
    p12Sealed: null,
    holderName: o.holderName ?? null,
    sealImage: o.sealPath ? await readSealImage(o.sealPath) : null,
    ...rowFacts(key, facts),
    actor: o.actor,
  });
}

/**
 * Imports an uploaded PKCS#12: sealed (AES-256-GCM, the row's id as additional
 * data) into the database row, so no file on any machine holds it or its
 * password and any worker with the key-encryption key can sign. The checks
 * run on the key as it opens from the sealed blob: what is stored is what was checked.
 */
export async function registerUploadedCertificate(db: Db, o: RegisterUploadedCertificateOptions): Promise<string> {
  if (!o.keys.canSeal) throw new SignerError('key-encryption-key-missing', KEY_ENCRYPTION_KEY_MISSING);
  if (o.sealImage && o.sealImage.length > MAX_SEAL_IMAGE_BYTES) throw new SignerError('bad-seal', 'The seal image is larger than 1 MiB.');
  const id = randomUUID();
  const sealed = o.keys.seal(id, { p12: o.p12, password: o.password });
  const key = await o.keys.open({ transport: 'pkcs12-sealed', certificateId: id, sealed });
  const facts = await admit(key, o.trustAnchorsPem);
  return insertActiveCertificate(db, {
    id,
    unitId: o.unitId,
    role: o.role ?? 'unit',
    p12Path: null,
    passwordPath: null,
    passwordEnv: null,
    p12Sealed: sealed,
    holderName: o.holderName ?? null,
    sealImage: o.sealImage ?? null,
    ...rowFacts(key, facts),
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
  /** Where the password is kept, never the password (nor the file's path): 'encrypted' for uploads, sealed with the .p12 in the database. */
  passwordFrom: 'file' | 'environment' | 'encrypted';
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
    passwordFrom: row.p12_sealed ? 'encrypted' : row.password_env ? 'environment' : 'file',
    revokedAt: row.revoked_at?.toISOString() ?? null,
    revocationReason: row.revocation_reason,
    status: certificateStatus({ subject: row.holder_name ?? row.subject, notBefore: row.not_before, notAfter: row.not_after, revokedAt: row.revoked_at }, now, warningDays),
  };
}
