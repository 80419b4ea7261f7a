import type { Queryable } from '../db.ts';

/**
 * The only writer of a batch and its parts: `batches`, `batch_files` and `pages`. Ingest creates them, OCR records
 * what each page says, the split claims the batch and gives each page its role, the clerk turns a page.
 */

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

export interface PageRecognized {
  blank: boolean; rotation: number; skewDegrees: number; confidence: number; lowConfidence: boolean; width: number; height: number; dpi: number;
  imageKey: string; text: string; words: unknown; codes: unknown;
}

/** ocr.page: the cleaned image and what it says; only a page still pending (a rerun changes nothing). */
export async function pageRecognized(db: Queryable, id: string, r: PageRecognized): Promise<void> {
  await db.query(
    `UPDATE pages SET status = 'done', error = NULL, blank = $2, rotation = $3, skew_degrees = $4, confidence = $5,
       width = $6, height = $7, dpi = $8, image_key = $9, text = $10, words = $11, low_confidence = $12, codes = $13
     WHERE id = $1 AND status = 'pending'`,
    [id, r.blank, r.rotation, r.skewDegrees, r.confidence, r.width, r.height, r.dpi, r.imageKey, r.text, JSON.stringify(r.words), r.lowConfidence, JSON.stringify(r.codes)],
  );
}

export async function pageFailed(db: Queryable, id: string, error: string): Promise<void> {
  await db.query(`UPDATE pages SET status = 'failed', error = $2 WHERE id = $1 AND status = 'pending'`, [id, error]);
}

/** The clerk turned a page: the new image (under a new key) and its word boxes turned with it. */
export async function pageTurned(db: Queryable, id: string, t: { width: number; height: number; degrees: number; words: unknown; imageKey: string }): Promise<void> {
  await db.query('UPDATE pages SET width = $2, height = $3, rotation = ($4 + coalesce(rotation, 0)) % 360, words = $5, image_key = $6 WHERE id = $1', [
    id, t.width, t.height, t.degrees, JSON.stringify(t.words), t.imageKey,
  ]);
}

export async function setPageRoles(db: Queryable, roles: { role: string; ids: string[] }[]): Promise<void> {
  for (const { role, ids } of roles) if (ids.length) await db.query('UPDATE pages SET role = $2 WHERE id = ANY($1)', [ids, role]);
}

/** Claims the split: of two concurrent split jobs for a batch, one gets true. */
export async function claimSplit(db: Queryable, batchId: string): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE batches SET split_at = now(), error = NULL WHERE id = $1 AND split_at IS NULL', [batchId]);
  return (rowCount ?? 0) > 0;
}

/** A batch that could not be split for good keeps the reason; one split after all (a late success) clears it. */
export async function failSplit(db: Queryable, batchId: string, error: string): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE batches SET error = $2 WHERE id = $1 AND split_at IS NULL', [batchId, error]);
  return (rowCount ?? 0) > 0;
}

/** The receipt named a dossier already known: the batch joins it. */
export async function moveToDossier(db: Queryable, batchId: string, dossierId: string): Promise<void> {
  await db.query('UPDATE batches SET dossier_id = $2 WHERE id = $1', [batchId, dossierId]);
}
