import type { Queryable } from '@sohoa/shared';
import { formatDossierCode, vietnamDay } from '@sohoa/shared';

export interface UnitRow { id: string; code: string; name: string }
export interface FileRow { id: string; batch_id: string; position: number; name: string; object_key: string; status: string; unit_code: string }

export async function findUnit(db: Queryable, code: string): Promise<UnitRow | null> {
  const { rows } = await db.query<UnitRow>('SELECT id, code, name FROM units WHERE code = $1', [code]);
  return rows[0] ?? null;
}

export async function latestCatalogVersionWith(db: Queryable, procedureCode: string): Promise<number | null> {
  const { rows } = await db.query<{ v: number }>('SELECT max(catalog_version_id) AS v FROM procedures WHERE code = $1', [procedureCode]);
  return rows[0]?.v ?? null;
}

export async function componentExists(db: Queryable, versionId: number, procedureCode: string, componentCode: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM components WHERE catalog_version_id = $1 AND procedure_code = $2 AND code = $3', [versionId, procedureCode, componentCode]);
  return (rowCount ?? 0) > 0;
}

/** A component given without its procedure: it must at least be one in the catalog in force. */
export async function componentInLatestCatalog(db: Queryable, componentCode: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM components WHERE catalog_version_id = (SELECT max(id) FROM catalog_versions) AND code = $1', [componentCode]);
  return (rowCount ?? 0) > 0;
}

export async function findDossier(db: Queryable, code: string) {
  const { rows } = await db.query<{ id: string; unit_id: string; procedure_code: string | null }>('SELECT id, unit_id, procedure_code FROM dossiers WHERE code = $1', [code]);
  return rows[0] ?? null;
}

/** Takes the unit's next running number for the day (Vietnam time) and builds the dossier code from it. */
export async function nextDossierCode(db: Queryable, unit: UnitRow, at: Date): Promise<string> {
  const { rows } = await db.query<{ last_number: number }>(
    `INSERT INTO dossier_counters (unit_id, day, last_number) VALUES ($1, $2, 1)
     ON CONFLICT (unit_id, day) DO UPDATE SET last_number = dossier_counters.last_number + 1 RETURNING last_number`,
    [unit.id, vietnamDay(at)],
  );
  return formatDossierCode(unit.code, at, rows[0].last_number);
}

export async function insertDossier(
  db: Queryable,
  d: { code: string; codeSource: 'generated' | 'given'; unitId: string; procedureCode: string | null; catalogVersionId: number; receivedAt: Date },
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    'INSERT INTO dossiers (code, code_source, unit_id, procedure_code, catalog_version_id, received_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
    [d.code, d.codeSource, d.unitId, d.procedureCode, d.catalogVersionId, d.receivedAt],
  );
  return rows[0].id;
}

export async function insertBatch(db: Queryable, b: { id: string; unitId: string; dossierId: string; componentCode: string | null; source: string; createdBy: string }) {
  await db.query('INSERT INTO batches (id, unit_id, dossier_id, component_code, source, created_by) VALUES ($1, $2, $3, $4, $5, $6)', [
    b.id, b.unitId, b.dossierId, b.componentCode, b.source, b.createdBy,
  ]);
}

export async function insertFile(db: Queryable, f: { id: string; batchId: string; position: number; name: string; size: number; sha256: string; objectKey: string }) {
  await db.query('INSERT INTO batch_files (id, batch_id, position, name, size, sha256, object_key) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
    f.id, f.batchId, f.position, f.name, f.size, f.sha256, f.objectKey,
  ]);
}

export async function getFile(db: Queryable, id: string): Promise<FileRow | null> {
  const { rows } = await db.query<FileRow>(
    `SELECT f.id, f.batch_id, f.position, f.name, f.object_key, f.status, u.code AS unit_code
     FROM batch_files f JOIN batches b ON b.id = f.batch_id JOIN units u ON u.id = b.unit_id WHERE f.id = $1`,
    [id],
  );
  return rows[0] ?? null;
}

export async function markFile(db: Queryable, id: string, status: 'split' | 'quarantined' | 'failed', detail: { error?: string; pageCount?: number }) {
  await db.query('UPDATE batch_files SET status = $2, error = $3, page_count = $4 WHERE id = $1', [id, status, detail.error ?? null, detail.pageCount ?? null]);
}

/** Re-running a split after a crash finds the pages it already made (unique per file and index). */
export async function upsertPage(db: Queryable, p: { fileId: string; batchId: string; pageIndex: number; sourceKey: string; dpi: number | null }): Promise<{ id: string; status: string }> {
  const { rows } = await db.query<{ id: string; status: string }>(
    `INSERT INTO pages (file_id, batch_id, page_index, source_key, dpi) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (file_id, page_index) DO UPDATE SET source_key = EXCLUDED.source_key RETURNING id, status`,
    [p.fileId, p.batchId, p.pageIndex, p.sourceKey, p.dpi],
  );
  return rows[0];
}
