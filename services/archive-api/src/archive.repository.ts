import type { Queryable } from '@sohoa/shared';

export interface DocumentToArchive {
  id: string; status: string; signed_key: string | null; record_id: string; page_ids: string[]; batch_id: string;
  dossier_id: string; dossier_code: string; procedure_code: string | null; procedure_name: string | null; owner_identifier: string | null; received_at: Date;
  unit_id: string; unit_code: string; unit_name: string; component_code: string | null; component_name: string | null;
  retention_years: number | null; has_component: boolean; title: string | null; kind: string; fields: DocumentFields; created_by: string; blank_pages: number;
}

export interface DocumentFields { ownerIdentifier?: string | null; fullName?: string | null; documentNumber?: string | null; dates?: string[]; identifiers?: string[]; names?: string[] }

export async function documentToArchive(db: Queryable, id: string): Promise<DocumentToArchive | null> {
  const { rows } = await db.query<DocumentToArchive>(
    `SELECT doc.id, doc.status, doc.signed_key, doc.record_id, doc.page_ids, doc.batch_id,
            d.id AS dossier_id, d.code AS dossier_code, coalesce(doc.procedure_code, d.procedure_code) AS procedure_code, p.name AS procedure_name,
            d.owner_identifier, d.received_at, u.id AS unit_id, u.code AS unit_code, u.name AS unit_name,
            doc.component_code, c.name AS component_name, c.retention_years, (c.code IS NOT NULL) AS has_component,
            doc.title, doc.kind, doc.fields, coalesce(doc.confirmed_by, b.created_by) AS created_by,
            cardinality(doc.blank_page_ids) AS blank_pages
     FROM documents doc
     JOIN dossiers d ON d.id = doc.dossier_id JOIN units u ON u.id = d.unit_id
     JOIN batches b ON b.id = doc.batch_id
     LEFT JOIN procedures p ON p.catalog_version_id = d.catalog_version_id AND p.code = coalesce(doc.procedure_code, d.procedure_code)
     LEFT JOIN components c ON c.catalog_version_id = d.catalog_version_id
       AND c.procedure_code = coalesce(doc.procedure_code, d.procedure_code) AND c.code = doc.component_code
     WHERE doc.id = $1`,
    [id],
  );
  return rows[0] ?? null;
}

export async function pageTexts(db: Queryable, pageIds: string[]): Promise<string[]> {
  const { rows } = await db.query<{ text: string | null }>('SELECT text FROM pages WHERE id = ANY($1) ORDER BY array_position($1, id)', [pageIds]);
  return rows.map((r) => r.text ?? '');
}

export async function insertRecord(
  db: Queryable,
  r: {
    id: string; documentId: string; dossierId: string; unitId: string; bucket: string; objectKey: string; sha256: string; size: number;
    pageCount: number; metadata: object; text: string; retentionYears: number | null; retainUntil: string | null; ownerIdentifier: string | null;
  },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO records (id, document_id, dossier_id, unit_id, bucket, object_key, sha256, size, page_count, metadata, text, retention_years, retain_until, owner_identifier)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT (document_id) DO NOTHING`,
    [r.id, r.documentId, r.dossierId, r.unitId, r.bucket, r.objectKey, r.sha256, r.size, r.pageCount, r.metadata, r.text, r.retentionYears, r.retainUntil, r.ownerIdentifier],
  );
  return (rowCount ?? 0) > 0;
}

export interface RecordToReclassify { record_id: string; component_code: string | null; component_name: string | null }

/** The archived record of a document, with the component the document is now (after a clerk's correction). */
export async function recordToReclassify(db: Queryable, documentId: string): Promise<RecordToReclassify | null> {
  const { rows } = await db.query<RecordToReclassify>(
    `SELECT r.id AS record_id, doc.component_code, c.name AS component_name
     FROM records r JOIN documents doc ON doc.id = r.document_id JOIN dossiers d ON d.id = doc.dossier_id
     LEFT JOIN components c ON c.catalog_version_id = d.catalog_version_id
       AND c.procedure_code = coalesce(doc.procedure_code, d.procedure_code) AND c.code = doc.component_code
     WHERE r.document_id = $1`,
    [documentId],
  );
  return rows[0] ?? null;
}

/**
 * The signed PDF does not name the component: only the record's metadata changes. Retention stays as archived:
 * changing it is an archivist's decision.
 */
export async function reclassifyRecord(db: Queryable, recordId: string, component: { code: string | null; name: string | null }): Promise<void> {
  await db.query(`UPDATE records SET metadata = metadata || jsonb_build_object('componentCode', $2::text, 'componentName', $3::text) WHERE id = $1`, [
    recordId, component.code, component.name,
  ]);
}
