/** The only writer of `archival_files` and `archival_documents`; reads join dossiers, records and the catalog. */
import type { Queryable, RecordMetadata } from '@sohoa/shared';
import type { DocumentDescription, DocumentEdit, FileDescription, FileEdit } from './description.ts';

export interface DossierToFile {
  id: string; code: string; unit_id: string; unit_code: string; unit_name: string; received_at: Date; closed_at: Date | null; procedure_name: string | null;
}

/**
 * Locks the dossier row for this transaction: closing a dossier and archiving one of its records both take it,
 * so a record archived while its dossier closes is filed by whichever of the two commits second.
 */
export async function lockDossier(db: Queryable, dossierId: string): Promise<DossierToFile | null> {
  const { rows } = await db.query<DossierToFile>(
    `SELECT d.id, d.code, d.unit_id, u.code AS unit_code, u.name AS unit_name, d.received_at, d.closed_at, p.name AS procedure_name
     FROM dossiers d JOIN units u ON u.id = d.unit_id
     LEFT JOIN procedures p ON p.catalog_version_id = d.catalog_version_id AND p.code = d.procedure_code
     WHERE d.id = $1 FOR NO KEY UPDATE OF d`,
    [dossierId],
  );
  return rows[0] ?? null;
}

export async function dossierByCode(db: Queryable, code: string): Promise<{ id: string; unit_id: string } | null> {
  const { rows } = await db.query<{ id: string; unit_id: string }>('SELECT id, unit_id FROM dossiers WHERE code = $1', [code]);
  return rows[0] ?? null;
}

export interface RecordToDescribe { id: string; metadata: RecordMetadata; component_kind: 'component' | 'result' | null; ordinal: number | null }

/** The dossier's records in the order they were archived, with the ordinal each already has in the file. */
export async function recordsOfDossier(db: Queryable, dossierId: string): Promise<RecordToDescribe[]> {
  const { rows } = await db.query<RecordToDescribe>(
    `SELECT r.id, r.metadata, c.kind AS component_kind, ad.ordinal
     FROM records r JOIN dossiers d ON d.id = r.dossier_id
     LEFT JOIN components c ON c.catalog_version_id = d.catalog_version_id AND c.procedure_code = r.metadata->>'procedureCode'
       AND c.code = r.metadata->>'componentCode'
     LEFT JOIN archival_documents ad ON ad.record_id = r.id
     WHERE r.dossier_id = $1 ORDER BY r.created_at, r.id`,
    [dossierId],
  );
  return rows;
}

export interface RecordToExport extends RecordToDescribe {
  unit_id: string; size: number; sha256: string; object_key: string; file_code: string | null; file_id: string | null;
  /** Disposition destroyed its object; the row stays for its tombstone. */
  disposed: boolean;
  filed_derived: DocumentDescription | null; filed_edited: DocumentEdit | null;
}

/** Records by id with what describing them needs (any unit: the caller checked), in the order asked. */
export async function recordsToDescribe(db: Queryable, ids: readonly string[]): Promise<RecordToExport[]> {
  const { rows } = await db.query(
    `SELECT r.id, r.metadata, c.kind AS component_kind, ad.ordinal, r.unit_id, r.size::int AS size, r.sha256, r.object_key, r.disposed_at IS NOT NULL AS disposed,
            af.derived->>'FileCode' AS file_code, af.id AS file_id, ad.derived AS filed_derived, ad.edited AS filed_edited
     FROM records r JOIN dossiers d ON d.id = r.dossier_id
     LEFT JOIN components c ON c.catalog_version_id = d.catalog_version_id AND c.procedure_code = r.metadata->>'procedureCode'
       AND c.code = r.metadata->>'componentCode'
     LEFT JOIN archival_documents ad ON ad.record_id = r.id LEFT JOIN archival_files af ON af.id = ad.file_id
     WHERE r.id = ANY($1::uuid[]) ORDER BY array_position($1::uuid[], r.id)`,
    [ids],
  );
  return rows;
}

export interface FileRow {
  id: string; dossier_id: string; unit_id: string; closed_at: Date; closed_by: string; closed_because: 'result-issued' | 'closed';
  derived: FileDescription; edited: FileEdit; updated_at: Date;
}

export async function insertFile(db: Queryable, f: { dossierId: string; unitId: string; closedAt: Date; closedBy: string; closedBecause: string; derived: FileDescription }): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO archival_files (dossier_id, unit_id, closed_at, closed_by, closed_because, derived) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (dossier_id) DO NOTHING`,
    [f.dossierId, f.unitId, f.closedAt, f.closedBy, f.closedBecause, f.derived],
  );
  return (rowCount ?? 0) > 0;
}

export async function fileOfDossier(db: Queryable, dossierId: string): Promise<FileRow | null> {
  const { rows } = await db.query<FileRow>('SELECT * FROM archival_files WHERE dossier_id = $1', [dossierId]);
  return rows[0] ?? null;
}

export async function loadFile(db: Queryable, id: string, lock = false): Promise<FileRow | null> {
  const { rows } = await db.query<FileRow>(`SELECT * FROM archival_files WHERE id = $1${lock ? ' FOR NO KEY UPDATE' : ''}`, [id]);
  return rows[0] ?? null;
}

export async function filesOfUnit(db: Queryable, unitId: string): Promise<FileRow[]> {
  const { rows } = await db.query<FileRow>('SELECT * FROM archival_files WHERE unit_id = $1 ORDER BY closed_at, id', [unitId]);
  return rows;
}

export async function setFileDerived(db: Queryable, id: string, derived: FileDescription): Promise<void> {
  await db.query('UPDATE archival_files SET derived = $2, updated_at = now() WHERE id = $1', [id, derived]);
}

export async function setFileEdited(db: Queryable, id: string, edited: FileEdit): Promise<void> {
  await db.query('UPDATE archival_files SET edited = $2, updated_at = now() WHERE id = $1', [id, edited]);
}

export interface DocumentRow { record_id: string; file_id: string; unit_id: string; ordinal: number; derived: DocumentDescription; edited: DocumentEdit }

/** A record filed (or filed again: its derived description refreshed, its ordinal and edits kept). */
export async function upsertDocument(db: Queryable, d: { recordId: string; fileId: string; ordinal: number; derived: DocumentDescription }): Promise<void> {
  await db.query(
    `INSERT INTO archival_documents (record_id, file_id, ordinal, derived) VALUES ($1, $2, $3, $4)
     ON CONFLICT (record_id) DO UPDATE SET derived = EXCLUDED.derived, updated_at = now()`,
    [d.recordId, d.fileId, d.ordinal, d.derived],
  );
}

export async function documentsOfFiles(db: Queryable, fileIds: readonly string[]): Promise<DocumentRow[]> {
  const { rows } = await db.query<DocumentRow>(
    `SELECT ad.record_id, ad.file_id, af.unit_id, ad.ordinal, ad.derived, ad.edited FROM archival_documents ad JOIN archival_files af ON af.id = ad.file_id
     WHERE ad.file_id = ANY($1::uuid[]) ORDER BY ad.file_id, ad.ordinal`,
    [fileIds],
  );
  return rows;
}

export async function loadDocument(db: Queryable, recordId: string, lock = false): Promise<DocumentRow | null> {
  const { rows } = await db.query<DocumentRow>(
    `SELECT ad.record_id, ad.file_id, af.unit_id, ad.ordinal, ad.derived, ad.edited FROM archival_documents ad JOIN archival_files af ON af.id = ad.file_id
     WHERE ad.record_id = $1${lock ? ' FOR NO KEY UPDATE OF ad' : ''}`,
    [recordId],
  );
  return rows[0] ?? null;
}

export async function setDocumentEdited(db: Queryable, recordId: string, edited: DocumentEdit): Promise<void> {
  await db.query('UPDATE archival_documents SET edited = $2, updated_at = now() WHERE record_id = $1', [recordId, edited]);
}

export async function unitById(db: Queryable, id: string): Promise<{ id: string; code: string; name: string } | null> {
  const { rows } = await db.query<{ id: string; code: string; name: string }>('SELECT id, code, name FROM units WHERE id = $1', [id]);
  return rows[0] ?? null;
}

export async function unitByCode(db: Queryable, code: string): Promise<{ id: string; code: string; name: string } | null> {
  const { rows } = await db.query<{ id: string; code: string; name: string }>('SELECT id, code, name FROM units WHERE code = $1', [code]);
  return rows[0] ?? null;
}

/** The record's audit events, oldest first: they travel with it in a bag. */
export async function auditEventsOf(db: Queryable, subjectType: string, subjectId: string): Promise<object[]> {
  const { rows } = await db.query('SELECT * FROM audit_events WHERE subject_type = $1 AND subject_id = $2 ORDER BY id', [subjectType, subjectId]);
  return rows;
}
