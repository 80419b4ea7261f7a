import type { Queryable } from '@sohoa/shared';

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

export async function getFile(db: Queryable, id: string): Promise<FileRow | null> {
  const { rows } = await db.query<FileRow>(
    `SELECT f.id, f.batch_id, f.position, f.name, f.object_key, f.status, u.code AS unit_code
     FROM batch_files f JOIN batches b ON b.id = f.batch_id JOIN units u ON u.id = b.unit_id WHERE f.id = $1`,
    [id],
  );
  return rows[0] ?? null;
}
