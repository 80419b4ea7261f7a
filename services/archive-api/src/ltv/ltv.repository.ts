/** Reads for long-term validation; the records' LTV state and versions are written by archive.repository.ts. */
import type { Queryable } from '@sohoa/shared';

export interface LtvScanRow {
  id: string;
  permanent: boolean;
  retainUntil: string | null;
  signerCertificateExpires: Date | null;
  lastTimestampExpires: Date | null;
  checked: boolean;
}

/** The next records after `after` (id order) that may still need the work: not disposed of. */
export async function ltvScanPage(db: Queryable, o: { after: string | null; limit: number }): Promise<LtvScanRow[]> {
  const { rows } = await db.query<LtvScanRow>(
    `SELECT r.id, r.permanent, to_char(r.retain_until, 'YYYY-MM-DD') AS "retainUntil", r.signer_certificate_expires AS "signerCertificateExpires",
            r.last_timestamp_expires AS "lastTimestampExpires", (r.ltv_checked_at IS NOT NULL) AS checked
     FROM records r WHERE r.disposed_at IS NULL AND ($1::uuid IS NULL OR r.id > $1) ORDER BY r.id LIMIT $2`,
    [o.after, o.limit],
  );
  return rows;
}

export interface RecordToExtend {
  id: string; unitId: string; objectKey: string; objectVersion: number; sha256: string; permanent: boolean; retainUntil: string | null;
  disposed: boolean; onHold: boolean;
}

export async function recordToExtend(db: Queryable, id: string): Promise<RecordToExtend | null> {
  const { rows } = await db.query<RecordToExtend>(
    `SELECT r.id, r.unit_id AS "unitId", r.object_key AS "objectKey", r.object_version AS "objectVersion", r.sha256, r.permanent,
            to_char(r.retain_until, 'YYYY-MM-DD') AS "retainUntil", (r.disposed_at IS NOT NULL) AS disposed, record_on_hold(r.id, r.dossier_id) AS "onHold"
     FROM records r WHERE r.id = $1`,
    [id],
  );
  return rows[0] ?? null;
}
