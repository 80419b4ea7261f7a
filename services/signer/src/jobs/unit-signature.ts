import fs from 'node:fs/promises';
import type { Queryable } from '@sohoa/shared';
import { certificateStatus, signAs, SignerError, type KeyTransports, type SigningKey } from '../index.ts';
import { unlockCertificate } from './certificate-registry.service.ts';
import { activeCertificate, type UnitCertificateRow } from './unit-certificate.repository.ts';

/** Why a registered certificate may not sign now, in words, or null when it may. */
export function signingRefusal(cert: UnitCertificateRow, now: Date): string | null {
  const status = certificateStatus({ subject: cert.holder_name ?? cert.subject, notBefore: cert.not_before, notAfter: cert.not_after, revokedAt: cert.revoked_at }, now, 0);
  return status.maySign ? null : status.warning;
}

/** The seal comes with the row, so any worker draws it; only rows from before that name a file on this machine. */
export async function sealOf(cert: UnitCertificateRow): Promise<Uint8Array | undefined> {
  if (cert.seal_image) return new Uint8Array(cert.seal_image);
  return cert.seal_path ? new Uint8Array(await fs.readFile(cert.seal_path)) : undefined;
}

export interface UnitSignatureOptions { reason: string; tsaUrl?: string; keys: KeyTransports; identity?: (cert: UnitCertificateRow) => Promise<SigningKey> }

/**
 * Signs a PDF with the unit's organization certificate (seal, unit name, time at the top right), as document.sign
 * does for records: for what sohoa itself issues on the unit's behalf, e.g. a destruction minute. Throws a
 * SignerError ('missing-certificate' or the certificate's refusal) when the unit cannot sign now.
 */
export async function signAsUnit(db: Queryable, unit: { id: string; name: string }, pdf: Uint8Array, o: UnitSignatureOptions): Promise<Uint8Array> {
  const cert = await activeCertificate(db, unit.id, 'unit');
  if (!cert) throw new SignerError('missing-certificate', `${unit.name} has no signing certificate`);
  const why = signingRefusal(cert, new Date());
  if (why) throw new SignerError('expired', why);
  const identity = await (o.identity ?? ((c) => unlockCertificate(c, o.keys)))(cert);
  return signAs(pdf, identity, {
    role: 'unit', name: unit.name, sealImage: await sealOf(cert), reason: o.reason, location: unit.name, signingTime: new Date(),
    timestampAuthority: o.tsaUrl ? { url: o.tsaUrl } : undefined,
  });
}
