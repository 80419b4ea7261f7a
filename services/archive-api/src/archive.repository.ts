/**
 * The only writer of `records` and `record_versions` (test/table-writers.spec.ts): archiving, correction, retention,
 * holds, disposition, and the object versions long-term validation appends.
 */
import type { Queryable } from '@sohoa/shared';
import type { RecordRetention } from './retention.ts';

export interface DocumentToArchive {
  id: string; status: string; signed_key: string | null; record_id: string; page_ids: string[]; batch_id: string;
  dossier_id: string; dossier_code: string; procedure_code: string | null; procedure_name: string | null; owner_identifier: string | null; received_at: Date;
  unit_id: string; unit_code: string; unit_name: string; component_code: string | null; component_name: string | null;
  retention_years: number | null; has_component: boolean; component_kind: 'component' | 'result' | null; title: string | null; kind: string; fields: DocumentFields; created_by: string; blank_pages: number;
}

export interface DocumentFields { ownerIdentifier?: string | null; fullName?: string | null; documentNumber?: string | null; dates?: string[]; identifiers?: string[]; names?: string[] }

export async function documentToArchive(db: Queryable, id: string): Promise<DocumentToArchive | null> {
  const { rows } = await db.query<DocumentToArchive>(
    `SELECT doc.id, doc.status, doc.signed_key, doc.record_id, doc.page_ids, doc.batch_id,
            d.id AS dossier_id, d.code AS dossier_code, coalesce(doc.procedure_code, d.procedure_code) AS procedure_code, p.name AS procedure_name,
            d.owner_identifier, d.received_at, u.id AS unit_id, u.code AS unit_code, u.name AS unit_name,
            doc.component_code, c.name AS component_name, c.retention_years, (c.code IS NOT NULL) AS has_component, c.kind AS component_kind,
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

/** The required components of the dossier's procedure, each with whether a record of the dossier is filed under it. */
export async function requiredComponentsOnFile(db: Queryable, dossierId: string): Promise<{ code: string; onFile: boolean }[]> {
  const { rows } = await db.query<{ code: string; onFile: boolean }>(
    `SELECT c.code, EXISTS (SELECT 1 FROM records r JOIN documents doc ON doc.id = r.document_id
                            WHERE r.dossier_id = d.id AND doc.component_code = c.code AND r.disposed_at IS NULL) AS "onFile"
     FROM dossiers d JOIN components c ON c.catalog_version_id = d.catalog_version_id AND c.procedure_code = d.procedure_code
     WHERE d.id = $1 AND c.required AND c.kind = 'component' ORDER BY c.position`,
    [dossierId],
  );
  return rows;
}

export async function pageTexts(db: Queryable, pageIds: string[]): Promise<string[]> {
  const { rows } = await db.query<{ text: string | null }>('SELECT text FROM pages WHERE id = ANY($1) ORDER BY array_position($1, id)', [pageIds]);
  return rows.map((r) => r.text ?? '');
}

export async function insertRecord(
  db: Queryable,
  r: {
    id: string; documentId: string; dossierId: string; unitId: string; bucket: string; objectKey: string; objectVersionId: string | null;
    sha256: string; size: number; pageCount: number; metadata: object; text: string; retention: RecordRetention; ownerIdentifier: string | null;
  },
): Promise<boolean> {
  // legal_hold: a hold on the dossier covers the records archived into it later too.
  const { rowCount } = await db.query(
    `INSERT INTO records (id, document_id, dossier_id, unit_id, bucket, object_key, object_version_id, sha256, size, page_count, metadata, text,
                          retention_years, retain_until, permanent, retention_from, retention_provisional, owner_identifier, legal_hold)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, record_on_hold($1, $3))
     ON CONFLICT (document_id) DO NOTHING`,
    [
      r.id, r.documentId, r.dossierId, r.unitId, r.bucket, r.objectKey, r.objectVersionId, r.sha256, r.size, r.pageCount, r.metadata, r.text,
      r.retention.permanent ? null : (r.retention.retention as { years: number }).years, r.retention.retainUntil, r.retention.permanent,
      r.retention.countedFrom, r.retention.provisional, r.ownerIdentifier,
    ],
  );
  if (rowCount) await insertFirstVersion(db, r);
  return (rowCount ?? 0) > 0;
}

/** Version 1 of a record's object: the one archiving wrote. */
async function insertFirstVersion(db: Queryable, r: { id: string; objectKey: string; objectVersionId: string | null; sha256: string; size: number }): Promise<void> {
  await db.query(
    `INSERT INTO record_versions (record_id, version, object_key, object_version_id, sha256, size, reason) VALUES ($1, 1, $2, $3, $4, $5, 'archived')
     ON CONFLICT DO NOTHING`,
    [r.id, r.objectKey, r.objectVersionId, r.sha256, r.size],
  );
}

/** The record already made of a document (a rerun of record.archive after the row was committed). */
export async function recordOfDocument(db: Queryable, documentId: string): Promise<{ id: string } | null> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM records WHERE document_id = $1', [documentId]);
  return rows[0] ?? null;
}

export interface RecordToReclassify {
  record_id: string; dossier_id: string; component_code: string | null; component_name: string | null; retention_years: number | null; has_component: boolean;
  old_retention_years: number | null; old_retain_until: string | null; retention_from: string; retention_provisional: boolean;
  disposed: boolean; created_at: Date; object_key: string; object_version_id: string | null;
}

/** The archived record of a document, with the component the document is now (after a clerk's correction). */
export async function recordToReclassify(db: Queryable, documentId: string): Promise<RecordToReclassify | null> {
  const { rows } = await db.query<RecordToReclassify>(
    `SELECT r.id AS record_id, r.dossier_id, doc.component_code, c.name AS component_name, c.retention_years, (c.code IS NOT NULL) AS has_component,
            r.retention_years AS old_retention_years, to_char(r.retain_until, 'YYYY-MM-DD') AS old_retain_until,
            to_char(r.retention_from, 'YYYY-MM-DD') AS retention_from, r.retention_provisional, (r.disposed_at IS NOT NULL) AS disposed, r.created_at,
            r.object_key, r.object_version_id
     FROM records r JOIN documents doc ON doc.id = r.document_id JOIN dossiers d ON d.id = doc.dossier_id
     LEFT JOIN components c ON c.catalog_version_id = d.catalog_version_id
       AND c.procedure_code = coalesce(doc.procedure_code, d.procedure_code) AND c.code = doc.component_code
     WHERE r.document_id = $1 FOR UPDATE OF r`,
    [documentId],
  );
  return rows[0] ?? null;
}

/**
 * The signed PDF does not name the component: the record's metadata changes, and its retention follows the
 * corrected component, still counted from the same day (the file's closing, or the archiving while it is open).
 */
export async function reclassifyRecord(db: Queryable, recordId: string, component: { code: string | null; name: string | null }, retention: RecordRetention): Promise<void> {
  await db.query(
    `UPDATE records SET metadata = metadata || jsonb_build_object('componentCode', $2::text, 'componentName', $3::text, 'retention', $4::jsonb, 'retainUntil', $5::text),
       retention_years = $6, retain_until = $5::date, permanent = $7
     WHERE id = $1`,
    [recordId, component.code, component.name, JSON.stringify(retention.retention), retention.retainUntil, retention.permanent ? null : (retention.retention as { years: number }).years, retention.permanent],
  );
}

/** The file closed: the real retain-until replaces the provisional one. */
export async function retentionCountedFromClosing(db: Queryable, recordId: string, retention: RecordRetention): Promise<void> {
  await db.query(
    `UPDATE records SET retain_until = $2::date, retention_from = $3::date, retention_provisional = false,
       metadata = metadata || jsonb_build_object('retainUntil', $2::text) WHERE id = $1`,
    [recordId, retention.retainUntil, retention.countedFrom],
  );
}

/** Keeps records.legal_hold equal to record_on_hold() for the records a hold change touched; returns their keys. */
export async function refreshLegalHold(db: Queryable, scope: { recordIds?: string[]; dossierId?: string }): Promise<{ id: string; object_key: string; object_version_id: string | null; legal_hold: boolean; changed: boolean }[]> {
  const { rows } = await db.query(
    `WITH touched AS (SELECT id, legal_hold AS was FROM records WHERE (id = ANY($1::uuid[]) OR dossier_id = $2::uuid) AND disposed_at IS NULL FOR UPDATE)
     UPDATE records r SET legal_hold = record_on_hold(r.id, r.dossier_id) FROM touched t WHERE r.id = t.id
     RETURNING r.id, r.object_key, r.object_version_id, r.legal_hold, (r.legal_hold <> t.was) AS changed`,
    [scope.recordIds ?? [], scope.dossierId ?? null],
  );
  return rows;
}

/** The nightly scan: marks the records due for disposition (due_since) and clears those no longer due. */
export async function markDue(db: Queryable, today: string): Promise<{ listed: number; cleared: number }> {
  const due = `NOT r.permanent AND r.disposed_at IS NULL AND r.kind = 'document' AND NOT r.retention_provisional AND r.retain_until < $1::date
    AND NOT record_on_hold(r.id, r.dossier_id) AND (r.review_after IS NULL OR r.review_after <= $1::date)`;
  const listed = await db.query(`UPDATE records r SET due_since = $1::date WHERE r.due_since IS NULL AND ${due}`, [today]);
  const cleared = await db.query(`UPDATE records r SET due_since = NULL WHERE r.due_since IS NOT NULL AND NOT (${due})`, [today]);
  return { listed: listed.rowCount ?? 0, cleared: cleared.rowCount ?? 0 };
}

/** The archive lead kept it: not disposable before the review date. */
export async function keepUntil(db: Queryable, recordId: string, reviewAfter: string): Promise<void> {
  await db.query('UPDATE records SET review_after = $2::date, due_since = NULL WHERE id = $1', [recordId, reviewAfter]);
}

/** The object is gone: the row stays (its tombstone says what it was), without its text. */
export async function markDisposed(db: Queryable, recordId: string): Promise<void> {
  await db.query(`UPDATE records SET disposed_at = now(), due_since = NULL, text = '' WHERE id = $1 AND disposed_at IS NULL`, [recordId]);
}

/** A record sohoa itself issues (a destruction minute): permanent, counted from today, no scanned document. */
export async function insertIssuedRecord(
  db: Queryable,
  r: { id: string; unitId: string; bucket: string; objectKey: string; objectVersionId: string | null; sha256: string; size: number; pageCount: number; metadata: object; text: string; countedFrom: string },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO records (id, kind, unit_id, bucket, object_key, object_version_id, sha256, size, page_count, metadata, text, permanent, retention_from, retention_provisional)
     VALUES ($1, 'disposition-minute', $2, $3, $4, $5, $6, $7, $8, $9, $10, true, $11, false) ON CONFLICT (id) DO NOTHING`,
    [r.id, r.unitId, r.bucket, r.objectKey, r.objectVersionId, r.sha256, r.size, r.pageCount, r.metadata, r.text, r.countedFrom],
  );
  if (rowCount) await insertFirstVersion(db, r);
  return (rowCount ?? 0) > 0;
}

/** Every key a record's object has had (oldest first): disposition deletes them all. */
export async function recordVersionKeys(db: Queryable, recordId: string): Promise<string[]> {
  const { rows } = await db.query<{ object_key: string }>('SELECT object_key FROM record_versions WHERE record_id = $1 ORDER BY version', [recordId]);
  return rows.map((r) => r.object_key);
}

/** Every object version a record has had (oldest first), with the S3 version id each was written as. */
export async function recordVersionObjects(db: Queryable, recordId: string): Promise<{ objectKey: string; objectVersionId: string | null }[]> {
  const { rows } = await db.query('SELECT object_key AS "objectKey", object_version_id AS "objectVersionId" FROM record_versions WHERE record_id = $1 ORDER BY version', [recordId]);
  return rows;
}

/** A record's long-term validation state, as read off its current object. */
export interface LtvStateRow {
  level: 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';
  signerCertificateExpires: Date | null;
  lastTimestampAt: Date | null;
  lastTimestampExpires: Date | null;
}

/** Saves what the record.extend job read off the record's object `version` (nothing if another version is current now). */
export async function saveLtvState(db: Queryable, recordId: string, version: number, state: LtvStateRow): Promise<void> {
  await db.query(
    `UPDATE records SET ltv_level = $3, signer_certificate_expires = $4, last_timestamp_at = $5, last_timestamp_expires = $6, ltv_checked_at = now()
     WHERE id = $1 AND object_version = $2`,
    [recordId, version, state.level, state.signerCertificateExpires, state.lastTimestampAt, state.lastTimestampExpires],
  );
}

export interface NewRecordVersion {
  recordId: string;
  /** The version it replaces as current: the update happens only while that one still is (and the record is not disposed). */
  fromVersion: number;
  objectKey: string; objectVersionId: string | null; sha256: string; size: number;
  reason: 'extended' | 'renewed';
  state: LtvStateRow;
}

/**
 * The record's object is now a new version under a new key (long-term validation): the record points at it, with
 * its hash, size and LTV state, and the version is listed; the old object and its row stay as they were.
 */
export async function appendRecordVersion(tx: Queryable, v: NewRecordVersion): Promise<boolean> {
  const version = v.fromVersion + 1;
  const { rowCount } = await tx.query(
    `UPDATE records SET object_key = $3, object_version_id = $4, sha256 = $5, size = $6, object_version = $7,
       metadata = metadata || jsonb_build_object('sha256', $5::text),
       ltv_level = $8, signer_certificate_expires = $9, last_timestamp_at = $10, last_timestamp_expires = $11, ltv_checked_at = now()
     WHERE id = $1 AND object_version = $2 AND disposed_at IS NULL`,
    [v.recordId, v.fromVersion, v.objectKey, v.objectVersionId, v.sha256, v.size, version, v.state.level, v.state.signerCertificateExpires, v.state.lastTimestampAt, v.state.lastTimestampExpires],
  );
  if (!rowCount) return false;
  await tx.query(
    `INSERT INTO record_versions (record_id, version, object_key, object_version_id, sha256, size, ltv_level, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [v.recordId, version, v.objectKey, v.objectVersionId, v.sha256, v.size, v.state.level, v.reason],
  );
  return true;
}
