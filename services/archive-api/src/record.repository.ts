import type { Queryable } from '@sohoa/shared';

/** A record as the API shows it: where its PDF is, its fixity, retention and metadata. */
export async function loadRecord(db: Queryable, id: string) {
  const { rows } = await db.query(
    `SELECT r.id, r.document_id AS "documentId", r.bucket, r.object_key AS "objectKey", r.sha256, r.size::int AS size, r.page_count AS pages,
            r.retention_years AS "retentionYears", r.retain_until AS "retainUntil", r.legal_hold AS "legalHold", r.metadata, r.created_at AS "createdAt"
     FROM records r WHERE r.id = $1`,
    [id],
  );
  return rows[0] ?? null;
}
