import type { Queryable } from '@sohoa/shared';
import type { ComponentCandidate, DecodedCode, LearnedPhrase, PageWord } from '../index.ts';

export interface BatchToSplit {
  id: string; unit_id: string; unit_code: string; dossier_id: string; dossier_code: string; dossier_generated: boolean;
  procedure_code: string | null; catalog_version_id: number; component_code: string | null; created_by: string; split_at: Date | null;
}

export async function batchToSplit(db: Queryable, batchId: string): Promise<BatchToSplit | null> {
  const { rows } = await db.query<BatchToSplit>(
    `SELECT b.id, b.unit_id, u.code AS unit_code, d.id AS dossier_id, d.code AS dossier_code,
            d.code_source = 'generated' AS dossier_generated,
            d.procedure_code, d.catalog_version_id, b.component_code, b.created_by, b.split_at
     FROM batches b JOIN dossiers d ON d.id = b.dossier_id JOIN units u ON u.id = b.unit_id WHERE b.id = $1`,
    [batchId],
  );
  return rows[0] ?? null;
}

export interface PageForSplit {
  id: string; status: string; blank: boolean | null; width: number | null; height: number | null; text: string | null;
  words: PageWord[] | null; codes: DecodedCode[] | null;
}

export async function pagesOfBatch(db: Queryable, batchId: string): Promise<PageForSplit[]> {
  const { rows } = await db.query<PageForSplit>(
    `SELECT p.id, p.status, p.blank, p.width, p.height, p.text, p.words, p.codes
     FROM pages p JOIN batch_files f ON f.id = p.file_id WHERE p.batch_id = $1 ORDER BY f.position, p.page_index`,
    [batchId],
  );
  return rows;
}

/** The dossier's procedure's components, or every procedure's when the procedure is not known yet. */
export async function candidates(db: Queryable, catalogVersionId: number, procedureCode: string | null): Promise<ComponentCandidate[]> {
  const { rows } = await db.query<{ procedure_code: string; code: string; name: string; kind: 'component' | 'result'; required: boolean; aliases: string[]; form_numbers: string[] }>(
    `SELECT procedure_code, code, name, kind, required, aliases, form_numbers FROM components
     WHERE catalog_version_id = $1 AND ($2::text IS NULL OR procedure_code = $2) ORDER BY procedure_code, position`,
    [catalogVersionId, procedureCode],
  );
  return rows.map((r) => ({ procedureCode: r.procedure_code, code: r.code, name: r.name, kind: r.kind, required: r.required, aliases: r.aliases, formNumbers: r.form_numbers }));
}

export async function learnedPhrases(db: Queryable, unitId: string): Promise<LearnedPhrase[]> {
  const { rows } = await db.query<{ procedure_code: string; component_code: string; phrase: string; weight: number }>(
    'SELECT procedure_code, component_code, phrase, weight FROM learned_phrases WHERE unit_id = $1',
    [unitId],
  );
  return rows.map((r) => ({ procedureCode: r.procedure_code, componentCode: r.component_code, phrase: r.phrase, weight: r.weight }));
}

export async function findDossierByCode(db: Queryable, code: string) {
  const { rows } = await db.query<{ id: string; unit_id: string; procedure_code: string | null }>('SELECT id, unit_id, procedure_code FROM dossiers WHERE code = $1', [code]);
  return rows[0] ?? null;
}

export async function matchedDocumentsOf(db: Queryable, batchId: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(`SELECT id FROM documents WHERE batch_id = $1 AND status IN ('matched', 'built')`, [batchId]);
  return rows.map((r) => r.id);
}
