import { scopeParam, type Queryable, type UnitScope } from '@sohoa/shared';
import type { PageText, PageWord } from './index.ts';

export interface DocumentRow {
  id: string; batch_id: string; dossier_id: string; dossier_code: string; unit_id: string; catalog_version_id: number;
  dossier_procedure: string | null; position: number; kind: 'document' | 'receipt'; status: string; revision: number;
  page_ids: string[]; procedure_code: string | null; component_code: string | null; title: string | null; confidence: number | null;
  runner_up: unknown; explanation: string[]; fields: Record<string, unknown>; needs_review: boolean; confirmed_by: string | null;
  confirmed_at: Date | null; error: string | null; record_id: string | null; archived: boolean; low_confidence_pages: string[];
  blank_page_ids: string[];
}

const documentSelect = `
  SELECT doc.id, doc.batch_id, doc.dossier_id, d.code AS dossier_code, d.unit_id, d.catalog_version_id, d.procedure_code AS dossier_procedure,
         doc.position, doc.kind, doc.status, doc.revision, doc.page_ids, doc.procedure_code, doc.component_code, doc.title, doc.confidence,
         doc.runner_up, doc.explanation, doc.fields, doc.needs_review, doc.confirmed_by, doc.confirmed_at, doc.error,
         r.id AS record_id, (r.id IS NOT NULL) AS archived, doc.blank_page_ids,
         ARRAY(SELECT p.id FROM pages p WHERE p.id = ANY(doc.page_ids) AND p.low_confidence ORDER BY array_position(doc.page_ids, p.id)) AS low_confidence_pages
  FROM documents doc JOIN dossiers d ON d.id = doc.dossier_id LEFT JOIN records r ON r.document_id = doc.id`;

/** The document, if its dossier is within `units` (null: any unit): another unit's is as missing as none. */
export async function getDocument(db: Queryable, id: string, lock = false, units: UnitScope = null): Promise<DocumentRow | null> {
  const { rows } = await db.query<DocumentRow>(
    `${documentSelect} WHERE doc.id = $1 AND ($2::uuid[] IS NULL OR d.unit_id = ANY($2))${lock ? ' FOR UPDATE OF doc' : ''}`,
    [id, scopeParam(units)],
  );
  return rows[0] ?? null;
}

/** The live document holding the page, if within `units`. */
export async function documentOfPage(db: Queryable, pageId: string, units: UnitScope): Promise<string | null> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT doc.id FROM documents doc JOIN dossiers d ON d.id = doc.dossier_id
     WHERE $1 = ANY(doc.page_ids) AND doc.status <> 'merged' AND ($2::uuid[] IS NULL OR d.unit_id = ANY($2))`,
    [pageId, scopeParam(units)],
  );
  return rows[0]?.id ?? null;
}

/** The cleaned image of a page (a live document's or a dropped blank side), if its batch is within `units`. */
export async function pageImage(db: Queryable, pageId: string, units: UnitScope): Promise<{ image_key: string | null } | null> {
  const { rows } = await db.query<{ image_key: string | null }>(
    `SELECT p.image_key FROM pages p JOIN batches b ON b.id = p.batch_id JOIN dossiers d ON d.id = b.dossier_id
     WHERE p.id = $1 AND ($2::uuid[] IS NULL OR d.unit_id = ANY($2))`,
    [pageId, scopeParam(units)],
  );
  return rows[0] ?? null;
}

export async function documentsOfDossier(db: Queryable, dossierId: string): Promise<DocumentRow[]> {
  const { rows } = await db.query<DocumentRow>(`${documentSelect} WHERE doc.dossier_id = $1 AND doc.status <> 'merged' ORDER BY doc.created_at, doc.position`, [dossierId]);
  return rows;
}

export async function documentsInReview(db: Queryable, unitCode: string | null, units: UnitScope): Promise<DocumentRow[]> {
  const { rows } = await db.query<DocumentRow>(
    `${documentSelect} JOIN units u ON u.id = d.unit_id
     WHERE doc.status = 'review' AND ($1::text IS NULL OR u.code = $1) AND ($2::uuid[] IS NULL OR d.unit_id = ANY($2))
     ORDER BY doc.created_at, doc.position`,
    [unitCode, scopeParam(units)],
  );
  return rows;
}

export async function getDossier(db: Queryable, code: string, units: UnitScope) {
  const { rows } = await db.query<{
    id: string; unit_id: string; code: string; code_source: string; unit_code: string; unit_name: string; procedure_code: string | null; procedure_name: string | null;
    catalog_version_id: number; owner_identifier: string | null; received_at: Date; due_at: Date | null; status: string;
  }>(
    `SELECT d.id, d.unit_id, d.code, d.code_source, u.code AS unit_code, u.name AS unit_name, d.procedure_code, p.name AS procedure_name,
            d.catalog_version_id, d.owner_identifier, d.received_at, d.due_at, d.status
     FROM dossiers d JOIN units u ON u.id = d.unit_id
     LEFT JOIN procedures p ON p.catalog_version_id = d.catalog_version_id AND p.code = d.procedure_code
     WHERE d.code = $1 AND ($2::uuid[] IS NULL OR d.unit_id = ANY($2))`,
    [code, scopeParam(units)],
  );
  return rows[0] ?? null;
}

export async function componentsOf(db: Queryable, catalogVersionId: number, procedureCode: string) {
  const { rows } = await db.query<{ code: string; name: string; required: boolean; kind: string; retention_years: number | null }>(
    `SELECT code, name, required, kind, retention_years FROM components WHERE catalog_version_id = $1 AND procedure_code = $2 ORDER BY position`,
    [catalogVersionId, procedureCode],
  );
  return rows;
}

export async function pageTexts(db: Queryable, ids: string[]): Promise<PageText[]> {
  const { rows } = await db.query<{ id: string; blank: boolean | null; width: number | null; height: number | null; text: string | null; words: PageWord[] | null; codes: PageText['codes'] | null }>(
    'SELECT id, blank, width, height, text, words, codes FROM pages WHERE id = ANY($1) ORDER BY array_position($1, id)',
    [ids],
  );
  return rows.map((p) => ({ pageId: p.id, blank: !!p.blank, width: p.width ?? 0, height: p.height ?? 0, text: p.text ?? '', words: p.words ?? [], codes: p.codes ?? [] }));
}

export async function addLearnedPhrases(db: Queryable, unitId: string, phrases: { procedureCode: string; componentCode: string; phrase: string }[]): Promise<void> {
  for (const p of phrases) {
    await db.query(
      `INSERT INTO learned_phrases (unit_id, procedure_code, component_code, phrase) VALUES ($1, $2, $3, $4)
       ON CONFLICT (unit_id, procedure_code, component_code, phrase) DO UPDATE SET weight = learned_phrases.weight + 1, updated_at = now()`,
      [unitId, p.procedureCode, p.componentCode, p.phrase],
    );
  }
}

/** The undo of addLearnedPhrases: each phrase weighs one less, and goes when nothing is left of it. */
export async function forgetLearnedPhrases(db: Queryable, unitId: string, phrases: { procedureCode: string; componentCode: string; phrase: string }[]): Promise<void> {
  for (const p of phrases) {
    const key = [unitId, p.procedureCode, p.componentCode, p.phrase];
    const where = 'unit_id = $1 AND procedure_code = $2 AND component_code = $3 AND phrase = $4';
    await db.query(`UPDATE learned_phrases SET weight = weight - 1, updated_at = now() WHERE ${where}`, key);
    await db.query(`DELETE FROM learned_phrases WHERE ${where} AND weight <= 0`, key);
  }
}
