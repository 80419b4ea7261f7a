import { reasonCode } from './reason-codes.ts';
import { scopeParam, type BatchStatus, type Queryable, type UnitScope } from '@sohoa/shared';

export interface FileView {
  id: string; name: string; status: string; error: string | null; pages: number | null; blankPages: number; pagesDone: number; pagesFailed: number;
  /** A quarantined file: why, and where the API serves its bytes. */
  quarantine?: { id: string; reason: string; reasonCode?: string | null; quarantinedAt: string; download: string } | null;
}
export interface DocumentView {
  id: string; position: number; kind: string; status: string; error: string | null; pages: number; title: string | null;
  procedure: string | null; component: string | null; confidence: number | null; runnerUp: unknown; needsReview: boolean; recordId: string | null;
  lowConfidencePages: number;
}
export interface RecordView { id: string; documentId: string; sha256: string; size: number; pages: number; objectKey: string; createdAt: Date }
/** Something of the batch that ended without a record, with the reason in words. */
export interface FailureView { kind: 'batch' | 'file' | 'page' | 'document'; id: string; error: string | null; reasonCode: string | null; file?: string; page?: number }
export interface BatchView {
  id: string; status: BatchStatus; unit: string; dossier: string; procedure: string | null; component: string | null; createdAt: string;
  split: boolean; error: string | null; waitingForReview: number; files: FileView[]; documents: DocumentView[]; records: RecordView[];
  failures: FailureView[];
}

/**
 * A batch is done when every file has ended (rejected, or split with every page settled), the batch has been cut
 * into documents, and every document has ended (archived, failed, merged away). A document waiting for the
 * clerk's review keeps the batch processing. Failed = ended without any record. Pages and documents that failed for
 * good (their jobs given up) have ended too: the batch is done with them listed, not left processing. A batch whose
 * split was given up (`splitError`) has ended without documents.
 */
export function batchStatus(files: FileView[], split: boolean, documents: DocumentView[], records: RecordView[], splitError: string | null = null): BatchStatus {
  const fileEnded = (f: FileView) =>
    f.status === 'quarantined' || f.status === 'failed' || (f.status === 'split' && f.pages !== null && f.pagesDone + f.pagesFailed >= f.pages);
  const documentEnded = (d: DocumentView) => d.status === 'archived' || d.status === 'failed' || d.status === 'merged';
  if (files.length > 0 && files.every(fileEnded) && (split || splitError !== null) && documents.every(documentEnded)) return records.length > 0 ? 'done' : 'failed';
  if (files.every((f) => f.status === 'received')) return 'queued';
  return 'processing';
}

/** The batch, if its unit is within `units` (null: any): another unit's batch is as missing as none. */
export async function loadBatchView(db: Queryable, id: string, units: UnitScope): Promise<BatchView | null> {
  const batch = await db.query(
    `SELECT b.id, b.created_at, b.component_code, b.split_at, b.error, u.code AS unit, d.code AS dossier, d.procedure_code
     FROM batches b JOIN units u ON u.id = b.unit_id JOIN dossiers d ON d.id = b.dossier_id
     WHERE b.id = $1 AND ($2::uuid[] IS NULL OR b.unit_id = ANY($2))`,
    [id, scopeParam(units)],
  );
  if (!batch.rows[0]) return null;
  const b = batch.rows[0];
  // Three reads at once rather than one after another: on a busy machine each round trip to the database waits its
  // turn for the CPU, and the status of a batch is the read counters poll most (bench/results/load.md). Each read is
  // its own snapshot, so what the status weighs together comes from one statement: a document and its record are
  // written in one transaction (record.archive) and read in one here; read apart, a poll between the two reads saw
  // the document archived without its record and answered "failed".
  const [files, documentRows, failedPages] = await Promise.all([
    db.query<FileView>(
      `SELECT f.id, f.name, f.status, f.error, f.page_count AS pages,
              count(p.id) FILTER (WHERE p.blank)::int AS "blankPages",
              count(p.id) FILTER (WHERE p.status = 'done')::int AS "pagesDone",
              count(p.id) FILTER (WHERE p.status = 'failed')::int AS "pagesFailed",
              CASE WHEN q.id IS NULL THEN NULL ELSE json_build_object('id', q.id, 'reason', q.reason, 'quarantinedAt', q.quarantined_at,
                'download', '/api/v1/quarantine/' || q.id || '/file') END AS quarantine
       FROM batch_files f LEFT JOIN pages p ON p.file_id = f.id LEFT JOIN quarantined_files q ON q.file_id = f.id
       WHERE f.batch_id = $1 GROUP BY f.id, q.id ORDER BY f.position`,
      [id],
    ),
    db.query<DocumentView & { record: (Omit<RecordView, 'createdAt'> & { createdAt: string }) | null }>(
      `SELECT doc.id, doc.position, doc.kind, doc.status, doc.error, cardinality(doc.page_ids) AS pages, doc.title,
              doc.procedure_code AS procedure, doc.component_code AS component, doc.confidence, doc.runner_up AS "runnerUp",
              doc.needs_review AS "needsReview", r.id AS "recordId",
              (SELECT count(*)::int FROM pages p WHERE p.id = ANY(doc.page_ids) AND p.low_confidence) AS "lowConfidencePages",
              CASE WHEN r.id IS NULL THEN NULL ELSE json_build_object('id', r.id, 'documentId', r.document_id, 'sha256', r.sha256,
                'size', r.size::int, 'pages', r.page_count, 'objectKey', r.object_key, 'createdAt', r.created_at) END AS record
       FROM documents doc LEFT JOIN records r ON r.document_id = doc.id WHERE doc.batch_id = $1 ORDER BY doc.position`,
      [id],
    ),
    db.query<{ id: string; file: string; page: number; error: string | null }>(
      `SELECT p.id, f.name AS file, p.page_index + 1 AS page, p.error FROM pages p JOIN batch_files f ON f.id = p.file_id
       WHERE p.batch_id = $1 AND p.status = 'failed' ORDER BY f.position, p.page_index`,
      [id],
    ),
  ]);
  const documents = documentRows.rows.map(({ record: _, ...doc }) => doc);
  // json_build_object writes the time as text; a Date, as the driver reads a column, answers it as before.
  const records = documentRows.rows
    .flatMap((d) => (d.record ? [{ ...d.record, createdAt: new Date(d.record.createdAt) }] : []))
    .sort((a, b) => Number(a.createdAt) - Number(b.createdAt));
  const split = b.split_at !== null;
  const failures: FailureView[] = [
    ...(b.error ? [{ kind: 'batch' as const, id: b.id, error: b.error, reasonCode: reasonCode(b.error) }] : []),
    ...files.rows.filter((f) => f.status === 'quarantined' || f.status === 'failed').map((f) => ({ kind: 'file' as const, id: f.id, error: f.error, reasonCode: reasonCode(f.error), file: f.name })),
    ...failedPages.rows.map((p) => ({ kind: 'page' as const, id: p.id, error: p.error, reasonCode: reasonCode(p.error), file: p.file, page: p.page })),
    ...documents.filter((d) => d.status === 'failed').map((d) => ({ kind: 'document' as const, id: d.id, error: d.error, reasonCode: reasonCode(d.error) })),
  ];
  for (const f of files.rows) if (f.quarantine) f.quarantine.reasonCode = reasonCode(f.quarantine.reason);
  return {
    id: b.id, status: batchStatus(files.rows, split, documents, records, b.error), unit: b.unit, dossier: b.dossier,
    procedure: b.procedure_code, component: b.component_code, createdAt: b.created_at, split, error: b.error,
    waitingForReview: documents.filter((d) => d.status === 'review').length,
    files: files.rows, documents: documents, records: records, failures,
  };
}
