/** The only writer of `exports`: BagIt exports requested over the API and built by the export.bag job. */
import type { Queryable } from '@sohoa/shared';

export type ExportKind = 'file' | 'fonds' | 'search';
export type ExportSubject = { fileId: string } | { unitId: string } | { recordIds: string[] };

export interface ExportRow {
  id: string; kind: ExportKind; subject: ExportSubject; unit_ids: string[]; requested_by: string; status: 'queued' | 'running' | 'done' | 'failed';
  object_key: string | null; size: number | null; payload_files: number | null; error: string | null; created_at: Date; finished_at: Date | null;
}

export async function insertExport(db: Queryable, e: { kind: ExportKind; subject: ExportSubject; unitIds: string[]; requestedBy: string }): Promise<string> {
  const { rows } = await db.query<{ id: string }>('INSERT INTO exports (kind, subject, unit_ids, requested_by) VALUES ($1, $2, $3, $4) RETURNING id', [
    e.kind, e.subject, e.unitIds, e.requestedBy,
  ]);
  return rows[0]!.id;
}

export async function loadExport(db: Queryable, id: string): Promise<ExportRow | null> {
  const { rows } = await db.query<ExportRow>('SELECT id, kind, subject, unit_ids, requested_by, status, object_key, size::float8 AS size, payload_files, error, created_at, finished_at FROM exports WHERE id = $1', [id]);
  return rows[0] ?? null;
}

export async function markRunning(db: Queryable, id: string): Promise<void> {
  await db.query(`UPDATE exports SET status = 'running' WHERE id = $1 AND status IN ('queued', 'running')`, [id]);
}

export async function markDone(db: Queryable, id: string, r: { objectKey: string; size: number; payloadFiles: number }): Promise<void> {
  await db.query(`UPDATE exports SET status = 'done', object_key = $2, size = $3, payload_files = $4, error = NULL, finished_at = now() WHERE id = $1`, [
    id, r.objectKey, r.size, r.payloadFiles,
  ]);
}

export async function markFailed(db: Queryable, id: string, error: string): Promise<void> {
  await db.query(`UPDATE exports SET status = 'failed', error = $2, finished_at = now() WHERE id = $1 AND status <> 'done'`, [id, error]);
}
