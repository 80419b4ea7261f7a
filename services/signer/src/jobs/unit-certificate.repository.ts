import { recordAudit, withTransaction, type Db, type Queryable } from '@sohoa/shared';

export type CertificateRole = 'unit' | 'officer';

export interface UnitCertificateRow {
  id: string;
  unit_id: string;
  role: CertificateRole;
  /** A .p12 on the signing machines (imported by path); null when the upload is sealed in p12_sealed. */
  p12_path: string | null;
  password_path: string | null;
  password_env: string | null;
  /** An uploaded .p12 and its password, AES-256-GCM under SIGNING_KEY_ENCRYPTION_KEY (sealed-pkcs12.ts). */
  p12_sealed: Buffer | null;
  holder_name: string | null;
  /** The seal scan as a file: only rows registered before seal images were kept in the database. */
  seal_path: string | null;
  /** The seal scan drawn in the unit's signature box, kept here so any worker can draw it. */
  seal_image: Buffer | null;
  subject: string;
  issuer: string | null;
  serial_number: string | null;
  fingerprint_sha256: string | null;
  not_before: Date;
  not_after: Date;
  active: boolean;
  revoked_at: Date | null;
  revocation_reason: string | null;
  created_at: Date;
}

/** The certificate that signs next for a unit, in a role ('unit' by default). */
export async function activeCertificate(db: Queryable, unitId: string, role: CertificateRole = 'unit'): Promise<UnitCertificateRow | null> {
  const { rows } = await db.query<UnitCertificateRow>('SELECT * FROM unit_certificates WHERE unit_id = $1 AND role = $2 AND active', [unitId, role]);
  return rows[0] ?? null;
}

/** Every certificate a unit has had, newest first: renewals keep the old rows. */
export async function listCertificates(db: Queryable, unitId: string): Promise<UnitCertificateRow[]> {
  const { rows } = await db.query<UnitCertificateRow>('SELECT * FROM unit_certificates WHERE unit_id = $1 ORDER BY created_at DESC', [unitId]);
  return rows;
}

export async function certificateById(db: Queryable, id: string): Promise<UnitCertificateRow | null> {
  const { rows } = await db.query<UnitCertificateRow>('SELECT * FROM unit_certificates WHERE id = $1', [id]);
  return rows[0] ?? null;
}

export interface NewCertificateRow {
  /** Fixed before the insert when a sealed key is bound to it. */
  id?: string;
  unitId: string;
  role: CertificateRole;
  p12Path: string | null;
  passwordPath: string | null;
  passwordEnv: string | null;
  p12Sealed: Uint8Array | null;
  holderName: string | null;
  sealImage: Uint8Array | null;
  subject: string;
  issuer: string | null;
  serialNumber: string | null;
  fingerprintSha256: string | null;
  notBefore: Date;
  notAfter: Date;
  actor: string;
}

/**
 * Makes a certificate the one that signs next for its unit and role. The old
 * row only stops being active: records signed before keep their signatures and
 * stay traceable to it.
 */
export async function insertActiveCertificate(db: Db, row: NewCertificateRow): Promise<string> {
  return withTransaction(db, async (tx) => {
    await tx.query('UPDATE unit_certificates SET active = false WHERE unit_id = $1 AND role = $2 AND active', [row.unitId, row.role]);
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO unit_certificates (id, unit_id, role, p12_path, password_path, password_env, p12_sealed, holder_name, seal_image, subject,
         issuer, serial_number, fingerprint_sha256, not_before, not_after)
       VALUES (coalesce($1, gen_random_uuid()), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
      [row.id ?? null, row.unitId, row.role, row.p12Path, row.passwordPath, row.passwordEnv, bytea(row.p12Sealed), row.holderName, bytea(row.sealImage),
        row.subject, row.issuer, row.serialNumber, row.fingerprintSha256, row.notBefore, row.notAfter],
    );
    const id = rows[0]!.id;
    await recordAudit(tx, {
      actor: row.actor,
      action: 'certificate.registered',
      subjectType: 'unit',
      subjectId: row.unitId,
      unitId: row.unitId,
      detail: { certificateId: id, role: row.role, subject: row.subject, fingerprintSha256: row.fingerprintSha256, notAfter: row.notAfter },
    });
    return id;
  });
}

/** node-postgres sends a Buffer as bytea; a plain Uint8Array it would send as text. */
function bytea(bytes: Uint8Array | null): Buffer | null {
  return bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : null;
}

/** Marks a certificate revoked (the CA said so); it signs nothing from now on. */
export async function markRevoked(db: Db, id: string, reason: string, actor: string): Promise<UnitCertificateRow | null> {
  return withTransaction(db, async (tx) => {
    const { rows } = await tx.query<UnitCertificateRow>(
      `UPDATE unit_certificates SET revoked_at = coalesce(revoked_at, now()), revocation_reason = coalesce(revocation_reason, $2) WHERE id = $1 RETURNING *`,
      [id, reason],
    );
    const row = rows[0];
    if (row) {
      await recordAudit(tx, { actor, action: 'certificate.revoked', subjectType: 'unit', subjectId: row.unit_id, unitId: row.unit_id, detail: { certificateId: id, reason } });
    }
    return row ?? null;
  });
}
