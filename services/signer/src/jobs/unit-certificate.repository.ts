import fs from 'node:fs/promises';
import { recordAudit, withTransaction, type Db, type Queryable } from '@sohoa/shared';
import { loadPkcs12 } from '../index.ts';

export interface UnitCertificateRow { id: string; unit_id: string; p12_path: string; password_path: string; subject: string; not_after: Date }

export async function activeCertificate(db: Queryable, unitId: string): Promise<UnitCertificateRow | null> {
  const { rows } = await db.query<UnitCertificateRow>('SELECT * FROM unit_certificates WHERE unit_id = $1 AND active', [unitId]);
  return rows[0] ?? null;
}

/**
 * Makes a PKCS#12 the unit's signing certificate. The key stays in its file; the database keeps where it is and
 * what it is. Records signed before keep their signatures: replacing only changes what signs next.
 */
export async function registerUnitCertificate(db: Db, o: { unitId: string; p12Path: string; passwordPath: string; actor: string }): Promise<string> {
  const password = (await fs.readFile(o.passwordPath, 'utf8')).trim();
  const identity = await loadPkcs12(await fs.readFile(o.p12Path), password);
  return withTransaction(db, async (tx) => {
    await tx.query('UPDATE unit_certificates SET active = false WHERE unit_id = $1 AND active', [o.unitId]);
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO unit_certificates (unit_id, p12_path, password_path, subject, not_before, not_after) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [o.unitId, o.p12Path, o.passwordPath, identity.subjectName, identity.notBefore, identity.notAfter],
    );
    await recordAudit(tx, { actor: o.actor, action: 'certificate.registered', subjectType: 'unit', subjectId: o.unitId, detail: { subject: identity.subjectName, notAfter: identity.notAfter } });
    return rows[0].id;
  });
}
