import { scopeParam, type Queryable, type UnitScope } from '@sohoa/shared';

/**
 * A record as the API shows it: where its PDF is, its fixity, retention and metadata; with its unit's id, if the
 * unit is within `units` (null: any), so another unit's record is as missing as one that does not exist.
 */
export async function loadRecord(db: Queryable, id: string, units: UnitScope) {
  const { rows } = await db.query(
    `SELECT r.id, r.document_id AS "documentId", r.bucket, r.object_key AS "objectKey", r.sha256, r.size::int AS size, r.page_count AS pages,
            r.retention_years AS "retentionYears", r.retain_until AS "retainUntil", r.legal_hold AS "legalHold", r.metadata, r.created_at AS "createdAt", r.unit_id AS "unitId"
     FROM records r WHERE r.id = $1 AND ($2::uuid[] IS NULL OR r.unit_id = ANY($2))`,
    [id, scopeParam(units)],
  );
  return rows[0] ?? null;
}
