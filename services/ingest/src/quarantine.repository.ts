import { scopeParam, type Queryable, type UnitScope } from '@sohoa/shared';

/** The only writer of quarantined_files. */

export interface QuarantinedRow {
  batchId: string | null;
  fileId: string | null;
  unitCode: string | null;
  inboxPath: string | null;
  name: string;
  size: number;
  sha256: string;
  objectKey: string;
  reason: string;
}

/** A rejected file (already in the object store); a second call for the same object (a retried job) keeps one row. */
export async function insertQuarantined(db: Queryable, q: QuarantinedRow): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO quarantined_files (batch_id, file_id, unit_code, inbox_path, name, size, sha256, object_key, reason)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (object_key) DO UPDATE SET reason = EXCLUDED.reason RETURNING id`,
    [q.batchId, q.fileId, q.unitCode, q.inboxPath, q.name, q.size, q.sha256, q.objectKey, q.reason],
  );
  return rows[0].id;
}

export interface QuarantinedView {
  id: string;
  name: string;
  reason: string;
  quarantinedAt: string;
  batch: string | null;
  unit: string | null;
  inboxPath: string | null;
  size: number;
  sha256: string;
  /** Where the API serves the file's bytes. */
  download: string;
}

const VIEW_COLUMNS = `q.id, q.name, q.reason, q.quarantined_at AS "quarantinedAt", q.batch_id AS batch, q.unit_code AS unit,
  q.inbox_path AS "inboxPath", q.size::float8 AS size, q.sha256, '/api/v1/quarantine/' || q.id || '/file' AS download`;

/**
 * Within the reader's units (null: every unit). A file is its unit's by code: hot-folder files of no known unit
 * belong to no unit, so only readers of every unit (admin) see them.
 */
const IN_UNITS = (n: number) => `($${n}::uuid[] IS NULL OR q.unit_code IN (SELECT code FROM units WHERE id = ANY($${n})))`;

/** Newest first; `unitCode` keeps one unit's. */
export async function listQuarantined(db: Queryable, options: { unitCode?: string | null; limit?: number; units: UnitScope }): Promise<QuarantinedView[]> {
  const { rows } = await db.query<QuarantinedView>(
    `SELECT ${VIEW_COLUMNS} FROM quarantined_files q WHERE ($1::text IS NULL OR q.unit_code = $1) AND ${IN_UNITS(3)}
     ORDER BY q.quarantined_at DESC, q.id LIMIT $2`,
    [options.unitCode ?? null, options.limit ?? 1000, scopeParam(options.units)],
  );
  return rows;
}

/** The file with its unit's id (null: of no known unit), if it is within `units`. */
export async function findQuarantined(db: Queryable, id: string, units: UnitScope): Promise<(QuarantinedView & { objectKey: string; unitId: string | null }) | null> {
  const { rows } = await db.query<QuarantinedView & { objectKey: string; unitId: string | null }>(
    `SELECT ${VIEW_COLUMNS}, q.object_key AS "objectKey", (SELECT u.id FROM units u WHERE u.code = q.unit_code) AS "unitId"
     FROM quarantined_files q WHERE q.id = $1 AND ${IN_UNITS(2)}`,
    [id, scopeParam(units)],
  );
  return rows[0] ?? null;
}
