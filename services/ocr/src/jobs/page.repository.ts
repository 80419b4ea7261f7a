import type { Queryable } from '@sohoa/shared';

export interface PageRow {
  id: string; file_id: string; batch_id: string; page_index: number; source_key: string; status: string;
  dpi: number | null; blank: boolean | null; rotation: number | null; skew_degrees: number | null; confidence: number | null;
  width: number | null; height: number | null; image_key: string | null; text: string | null; words: unknown;
}

export async function getPage(db: Queryable, id: string): Promise<PageRow | null> {
  const { rows } = await db.query<PageRow>('SELECT * FROM pages WHERE id = $1', [id]);
  return rows[0] ?? null;
}

export async function pagesOfFile(db: Queryable, fileId: string): Promise<PageRow[]> {
  const { rows } = await db.query<PageRow>('SELECT * FROM pages WHERE file_id = $1 ORDER BY page_index', [fileId]);
  return rows;
}

export async function savePageResult(
  db: Queryable,
  id: string,
  r: { blank: boolean; rotation: number; skewDegrees: number; confidence: number; width: number; height: number; dpi: number; imageKey: string; text: string; words: unknown },
): Promise<void> {
  await db.query(
    `UPDATE pages SET status = 'done', error = NULL, blank = $2, rotation = $3, skew_degrees = $4, confidence = $5,
       width = $6, height = $7, dpi = $8, image_key = $9, text = $10, words = $11
     WHERE id = $1 AND status = 'pending'`,
    [id, r.blank, r.rotation, r.skewDegrees, r.confidence, r.width, r.height, r.dpi, r.imageKey, r.text, JSON.stringify(r.words)],
  );
}

export async function failPage(db: Queryable, id: string, error: string): Promise<void> {
  await db.query(`UPDATE pages SET status = 'failed', error = $2 WHERE id = $1 AND status = 'pending'`, [id, error]);
}

/** True when no page of the file waits for OCR any more (done or failed for good). */
export async function fileOcrFinished(db: Queryable, fileId: string): Promise<boolean> {
  const { rows } = await db.query<{ waiting: number }>(`SELECT count(*)::int AS waiting FROM pages WHERE file_id = $1 AND status = 'pending'`, [fileId]);
  return rows[0].waiting === 0;
}

export interface DocumentContext {
  file_name: string; batch_id: string; dossier_id: string; dossier_code: string; procedure_code: string | null;
  component_code: string | null; component_name: string | null; unit_name: string;
}

export async function documentContext(db: Queryable, fileId: string): Promise<DocumentContext | null> {
  const { rows } = await db.query<DocumentContext>(
    `SELECT f.name AS file_name, b.id AS batch_id, d.id AS dossier_id, d.code AS dossier_code, d.procedure_code,
            b.component_code, c.name AS component_name, u.name AS unit_name
     FROM batch_files f JOIN batches b ON b.id = f.batch_id JOIN dossiers d ON d.id = b.dossier_id JOIN units u ON u.id = b.unit_id
     LEFT JOIN components c ON c.catalog_version_id = d.catalog_version_id AND c.procedure_code = d.procedure_code AND c.code = b.component_code
     WHERE f.id = $1`,
    [fileId],
  );
  return rows[0] ?? null;
}

export async function documentOfFile(db: Queryable, fileId: string): Promise<{ id: string; status: string } | null> {
  const { rows } = await db.query<{ id: string; status: string }>('SELECT id, status FROM documents WHERE file_id = $1', [fileId]);
  return rows[0] ?? null;
}

/** Unique per file: of two concurrent builds only one document row survives. */
export async function insertDocument(
  db: Queryable,
  d: { id: string; batchId: string; dossierId: string; fileId: string; componentCode: string | null; pageIds: string[]; pdfKey: string },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO documents (id, batch_id, dossier_id, file_id, component_code, page_ids, pdf_key) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (file_id) DO NOTHING`,
    [d.id, d.batchId, d.dossierId, d.fileId, d.componentCode, d.pageIds, d.pdfKey],
  );
  return (rowCount ?? 0) > 0;
}

export async function noteFile(db: Queryable, fileId: string, error: string): Promise<void> {
  await db.query('UPDATE batch_files SET error = $2 WHERE id = $1', [fileId, error]);
}
