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
