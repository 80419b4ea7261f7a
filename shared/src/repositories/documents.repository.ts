import type { Queryable } from '../db.ts';

/**
 * The only writer of `documents`. A document moves review → matched → built → signed → archived, or to failed
 * (with the reason) or merged (into another). Each stage calls the transition it owns; every transition but the
 * clerk's edits is guarded by the state it leaves, so a rerun of a job changes nothing.
 */
export type DocumentStatus = 'review' | 'matched' | 'built' | 'signed' | 'archived' | 'failed' | 'merged';

export interface NewDocument {
  id: string; batchId: string; dossierId: string; position: number; kind: 'document' | 'receipt'; pageIds: string[]; blankPageIds: string[];
  procedureCode: string | null; componentCode: string | null; title: string | null; confidence: number; runnerUp: unknown;
  explanation: string[]; fields: unknown; needsReview: boolean; confirmedBy: string | null;
}

/** batch.split: a document cut from the batch, in review or matched (a component given with the batch counts as confirmed). */
export async function createFromSplit(db: Queryable, d: NewDocument): Promise<void> {
  await db.query(
    `INSERT INTO documents (id, batch_id, dossier_id, position, kind, page_ids, procedure_code, component_code, title, confidence,
                            runner_up, explanation, fields, needs_review, status, confirmed_by, confirmed_at, blank_page_ids)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, CASE WHEN $16::text IS NULL THEN NULL ELSE now() END, $17)`,
    [
      d.id, d.batchId, d.dossierId, d.position, d.kind, d.pageIds, d.procedureCode, d.componentCode, d.title, d.confidence,
      JSON.stringify(d.runnerUp), JSON.stringify(d.explanation), JSON.stringify(d.fields), d.needsReview,
      d.needsReview ? 'review' : 'matched', d.confirmedBy, d.blankPageIds,
    ],
  );
}

/** The clerk says which component the document is (a confirmation or a correction); a document in review is released. */
export async function confirmComponent(db: Queryable, id: string, c: { procedureCode: string; componentCode: string; actor: string }): Promise<void> {
  await db.query(
    `UPDATE documents SET procedure_code = $2, component_code = $3, needs_review = false, confirmed_by = $4, confirmed_at = now(),
       status = CASE WHEN status = 'review' THEN 'matched' ELSE status END WHERE id = $1`,
    [id, c.procedureCode, c.componentCode, c.actor],
  );
}

/** The clerk takes back a confirmation (an undo before the build): the document is the matcher's guess again. */
export async function reopened(db: Queryable, id: string): Promise<void> {
  await db.query('UPDATE documents SET confirmed_by = NULL, confirmed_at = NULL WHERE id = $1', [id]);
}

/** The clerk joins `mergedId` onto `id`: `id` takes both documents' pages (and dropped back sides), the other one is left as merged. */
export async function merge(db: Queryable, id: string, pageIds: string[], mergedId: string): Promise<void> {
  await db.query('UPDATE documents SET page_ids = $2, blank_page_ids = blank_page_ids || (SELECT blank_page_ids FROM documents WHERE id = $3) WHERE id = $1', [id, pageIds, mergedId]);
  await db.query(`UPDATE documents SET status = 'merged', revision = revision + 1 WHERE id = $1`, [mergedId]);
}

/**
 * The clerk cuts a document: it keeps `head` (its confirmation no longer holds for fewer pages) and a new document
 * in review takes `tail`. Returns the new document's id.
 */
export async function split(
  db: Queryable,
  doc: { id: string; batchId: string; dossierId: string; position: number; procedureCode: string | null },
  head: string[],
  tail: string[],
): Promise<string> {
  await db.query('UPDATE documents SET page_ids = $2, confirmed_by = NULL, confirmed_at = NULL WHERE id = $1', [doc.id, head]);
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO documents (batch_id, dossier_id, position, kind, page_ids, procedure_code, status)
     VALUES ($1, $2, $3, 'document', $4, $5, 'review') RETURNING id`,
    [doc.batchId, doc.dossierId, doc.position, tail, doc.procedureCode],
  );
  return rows[0].id;
}

/** The clerk puts the same pages in another order. */
export async function reorder(db: Queryable, id: string, pageIds: string[]): Promise<void> {
  await db.query('UPDATE documents SET page_ids = $2 WHERE id = $1', [id, pageIds]);
}

export interface Rematch {
  procedureCode: string | null; componentCode: string | null; confidence: number; runnerUp: unknown; explanation: string[];
  title: string | null; needsReview: boolean;
}

/** After a clerk's edit the matcher decided again on the new pages (only for a document the clerk has not confirmed). */
export async function rematched(db: Queryable, id: string, m: Rematch): Promise<void> {
  await db.query(
    `UPDATE documents SET procedure_code = $2, component_code = $3, confidence = $4, runner_up = $5, explanation = $6, title = coalesce($7, title), needs_review = $8 WHERE id = $1`,
    [id, m.procedureCode, m.componentCode, m.confidence, JSON.stringify(m.runnerUp), JSON.stringify(m.explanation), m.title, m.needsReview],
  );
}

/** An edited document gets a new revision (a build of the old one is stale) and waits for review or is matched again. */
export async function edited(db: Queryable, id: string, status: 'review' | 'matched'): Promise<void> {
  await db.query(`UPDATE documents SET revision = revision + 1, status = $2 WHERE id = $1`, [id, status]);
}

/**
 * Only a matched document is built, and only the revision that was read: a clerk's edit in the meantime
 * (merge, split, reorder, rotate) makes this build stale, and the edit queues a new one.
 */
export async function markBuilt(db: Queryable, id: string, revision: number, pdfKey: string): Promise<boolean> {
  const { rowCount } = await db.query(`UPDATE documents SET status = 'built', pdf_key = $3 WHERE id = $1 AND status = 'matched' AND revision = $2`, [id, revision, pdfKey]);
  return (rowCount ?? 0) > 0;
}

/** The built PDF was signed; false when the document was no longer built (a rerun). */
export async function markSigned(db: Queryable, id: string, signedKey: string): Promise<boolean> {
  const { rowCount } = await db.query(`UPDATE documents SET status = 'signed', signed_key = $2, error = NULL WHERE id = $1 AND status = 'built'`, [id, signedKey]);
  return (rowCount ?? 0) > 0;
}

/** The signed PDF is a record now. */
export async function markArchived(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query(`UPDATE documents SET status = 'archived', error = NULL WHERE id = $1 AND status = 'signed'`, [id]);
  return (rowCount ?? 0) > 0;
}

/** The stage that holds the document in state `from` gives up on it, with the reason the clerk will read. */
export async function markFailed(db: Queryable, id: string, from: 'matched' | 'built' | 'signed', reason: string): Promise<boolean> {
  const { rowCount } = await db.query(`UPDATE documents SET status = 'failed', error = $3 WHERE id = $1 AND status = $2`, [id, from, reason]);
  return (rowCount ?? 0) > 0;
}
