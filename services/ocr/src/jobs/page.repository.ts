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

export async function pagesByIds(db: Queryable, ids: string[]): Promise<PageRow[]> {
  const { rows } = await db.query<PageRow>('SELECT * FROM pages WHERE id = ANY($1) ORDER BY array_position($1, id)', [ids]);
  return rows;
}

export async function savePageResult(
  db: Queryable,
  id: string,
  r: {
    blank: boolean; rotation: number; skewDegrees: number; confidence: number; lowConfidence: boolean; width: number; height: number; dpi: number;
    imageKey: string; text: string; words: unknown; codes: unknown;
  },
): Promise<void> {
  await db.query(
    `UPDATE pages SET status = 'done', error = NULL, blank = $2, rotation = $3, skew_degrees = $4, confidence = $5,
       width = $6, height = $7, dpi = $8, image_key = $9, text = $10, words = $11, low_confidence = $12, codes = $13
     WHERE id = $1 AND status = 'pending'`,
    [id, r.blank, r.rotation, r.skewDegrees, r.confidence, r.width, r.height, r.dpi, r.imageKey, r.text, JSON.stringify(r.words), r.lowConfidence, JSON.stringify(r.codes)],
  );
}

export async function failPage(db: Queryable, id: string, error: string): Promise<void> {
  await db.query(`UPDATE pages SET status = 'failed', error = $2 WHERE id = $1 AND status = 'pending'`, [id, error]);
}

export interface DocumentToBuild {
  id: string; status: string; revision: number; page_ids: string[]; title: string | null; dossier_code: string;
  procedure_code: string | null; component_code: string | null; unit_name: string;
}

export async function documentToBuild(db: Queryable, id: string): Promise<DocumentToBuild | null> {
  const { rows } = await db.query<DocumentToBuild>(
    `SELECT doc.id, doc.status, doc.revision, doc.page_ids, coalesce(c.name, doc.title) AS title, d.code AS dossier_code,
            coalesce(doc.procedure_code, d.procedure_code) AS procedure_code, doc.component_code, u.name AS unit_name
     FROM documents doc JOIN dossiers d ON d.id = doc.dossier_id JOIN units u ON u.id = d.unit_id
     LEFT JOIN components c ON c.catalog_version_id = d.catalog_version_id
       AND c.procedure_code = coalesce(doc.procedure_code, d.procedure_code) AND c.code = doc.component_code
     WHERE doc.id = $1`,
    [id],
  );
  return rows[0] ?? null;
}
