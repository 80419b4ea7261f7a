import { getJson } from './stack.ts';
import { kindOfPaper } from './fault-workload.ts';
import type { FaultLab } from './fault-lab.ts';

/**
 * What "exactly once" is held to, after the faults:
 * - every batch ends (done or failed) within the bound, with no failure listed: else it is hung or failed;
 * - within each batch, every page with content is in exactly one archived document, each archived document has
 *   exactly one records row, and each records row exactly one object under records/ (and no object is stray);
 *   a batch ends with as many records as its sample paper must give;
 * - an upload the client saw accepted (202) made one batch; an upload whose answer was cut by the kill is retried
 *   with the same dossier code, so its dossier holds one batch (the kill came before the commit) or two (after it:
 *   the API has no idempotency key, so the retry is a second batch of the same papers, each archived once) — never
 *   zero, never three;
 * - every file dropped into the hot folder made exactly one batch and left the folder.
 */
export interface AuditTotals {
  batches: number; pages: number; documents: number; records: number; objects: number;
  lost: number; duplicated: number; hung: number; failed: number;
  /** Uploads whose answer the kill cut and whose retry made a second batch in the same dossier. */
  doubledByRetry: number;
  problems: string[];
}

export interface UploadLedger { dossier: string; attempts: number; cut: number; accepted: number }

export async function auditRun(lab: FaultLab, uploads: UploadLedger[], droppedFiles: string[], hangBoundMs: number): Promise<AuditTotals> {
  const problems: string[] = [];
  let lost = 0;
  let duplicated = 0;

  const { rows: batches } = await lab.db.query<{ id: string; dossier: string; source: string; names: string[] }>(
    `SELECT b.id, d.code AS dossier, b.source, array_agg(f.name ORDER BY f.position) AS names
     FROM batches b JOIN dossiers d ON d.id = b.dossier_id JOIN batch_files f ON f.batch_id = b.id GROUP BY b.id, d.code`);

  // Every batch ends within the bound.
  const views = new Map<string, any>();
  const deadline = Date.now() + hangBoundMs;
  for (const b of batches) {
    for (;;) {
      const view = await getJson(`${lab.url}/api/v1/batches/${b.id}`, lab.token);
      if (view.status === 'done' || view.status === 'failed' || Date.now() > deadline) {
        views.set(b.id, view);
        break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  let hung = 0;
  let failed = 0;
  for (const b of batches) {
    const view = views.get(b.id);
    if (view.status !== 'done' && view.status !== 'failed') {
      hung++;
      problems.push(`batch ${b.id} (${b.names}) still ${view.status}: ${await whereItStands(lab, b.id)}`);
    } else if (view.status === 'failed' || view.failures.length) {
      failed++;
      problems.push(`batch ${b.id} (${b.names}) ${view.status}: ${JSON.stringify(view.failures)}`);
    }
    const expected = b.names.reduce((n, name) => n + (kindOfPaper(name)?.records ?? 0), 0);
    if (view.records.length < expected) {
      lost += expected - view.records.length;
      problems.push(`batch ${b.id} (${b.names}): ${view.records.length} records, expected ${expected}`);
    } else if (view.records.length > expected) {
      duplicated += view.records.length - expected;
      problems.push(`batch ${b.id} (${b.names}): ${view.records.length} records, expected ${expected}`);
    }
  }

  // Pages with content against archived documents, documents against records rows, records rows against objects.
  const { rows: pageUse } = await lab.db.query<{ id: string; batch_id: string; archived_in: number }>(
    `SELECT p.id, p.batch_id, (SELECT count(*)::int FROM documents d WHERE d.status = 'archived' AND p.id = ANY(d.page_ids)) AS archived_in
     FROM pages p WHERE p.role IS DISTINCT FROM 'blank' AND p.blank IS NOT TRUE`);
  for (const p of pageUse) {
    if (p.archived_in === 0) lost++, problems.push(`page ${p.id} of batch ${p.batch_id} is in no archived document`);
    if (p.archived_in > 1) duplicated += p.archived_in - 1, problems.push(`page ${p.id} is in ${p.archived_in} archived documents`);
  }
  const { rows: docs } = await lab.db.query<{ id: string; status: string; records: number }>(
    `SELECT d.id, d.status, (SELECT count(*)::int FROM records r WHERE r.document_id = d.id) AS records FROM documents d WHERE d.status <> 'merged'`);
  for (const d of docs) {
    if (d.status === 'archived' && d.records !== 1) {
      if (d.records === 0) lost++;
      else duplicated += d.records - 1;
      problems.push(`document ${d.id}: ${d.records} records rows`);
    }
  }
  const { rows: records } = await lab.db.query<{ object_key: string }>('SELECT object_key FROM records');
  const objects = await lab.store.list('records/');
  const perKey = new Map<string, number>();
  for (const key of objects) perKey.set(key, (perKey.get(key) ?? 0) + 1);
  for (const r of records) {
    const n = perKey.get(r.object_key) ?? 0;
    if (n === 0) lost++, problems.push(`record object ${r.object_key} missing from the bucket`);
    perKey.delete(r.object_key);
  }
  for (const stray of perKey.keys()) duplicated++, problems.push(`object ${stray} under records/ has no records row`);

  // Uploads: one batch per accepted upload; a cut one retried makes one or two.
  let doubledByRetry = 0;
  const batchesOf = new Map<string, number>();
  for (const b of batches) if (b.source === 'upload') batchesOf.set(b.dossier, (batchesOf.get(b.dossier) ?? 0) + 1);
  for (const u of uploads) {
    const n = batchesOf.get(u.dossier) ?? 0;
    const most = u.accepted + u.cut; // each cut attempt may or may not have committed
    if (u.accepted === 0 || n < u.accepted) lost++, problems.push(`upload ${u.dossier}: ${n} batches, ${u.accepted} accepted`);
    else if (n > most) duplicated += n - most, problems.push(`upload ${u.dossier}: ${n} batches from ${u.attempts} attempts`);
    else if (n > u.accepted) doubledByRetry += n - u.accepted;
  }

  // Hot folder: one batch per dropped file, and the folder emptied.
  const inboxBatches = new Map<string, number>();
  for (const b of batches) if (b.source === 'inbox') for (const name of b.names) inboxBatches.set(name, (inboxBatches.get(name) ?? 0) + 1);
  for (const name of droppedFiles) {
    const n = inboxBatches.get(name) ?? 0;
    if (n === 0) lost++, problems.push(`hot-folder file ${name} made no batch`);
    if (n > 1) duplicated += n - 1, problems.push(`hot-folder file ${name} made ${n} batches`);
  }
  const inboxFilesTable = (await lab.db.query(`SELECT to_regclass('inbox_files') AS t`)).rows[0].t;
  if (inboxFilesTable) {
    const { rows } = await lab.db.query<{ path: string; n: number }>(
      `SELECT path, count(*)::int AS n FROM inbox_files WHERE batch_id IS NOT NULL GROUP BY path HAVING count(*) > 1`);
    for (const r of rows) problems.push(`inbox_files: ${r.path} registered ${r.n} times`);
  }

  return {
    batches: batches.length, pages: pageUse.length, documents: docs.length, records: records.length, objects: objects.length,
    lost, duplicated, hung, failed, doubledByRetry, problems,
  };
}

/** Where a batch that did not end stands: its files, pages and documents, and every job about them, for the report. */
async function whereItStands(lab: FaultLab, batchId: string): Promise<string> {
  const { rows } = await lab.db.query<{ what: string }>(
    `WITH ids AS (
       SELECT 'file' AS kind, id, status, NULL::text AS error FROM batch_files WHERE batch_id = $1
       UNION ALL SELECT 'page', id, status, error FROM pages WHERE batch_id = $1
       UNION ALL SELECT 'document', id, status, error FROM documents WHERE batch_id = $1
       UNION ALL SELECT 'batch', id, CASE WHEN split_at IS NULL THEN 'not split' ELSE 'split' END, error FROM batches WHERE id = $1)
     SELECT ids.kind || ' ' || ids.status || coalesce(' (' || ids.error || ')', '') || coalesce(': ' || (
       SELECT string_agg(j.name || ' ' || j.state || ' try ' || j.retry_count || coalesce(' started ' || to_char(j.started_on, 'HH24:MI:SS'), ''), ', ')
       FROM pgboss.job j WHERE j.data->>'fileId' = ids.id::text OR j.data->>'pageId' = ids.id::text
          OR j.data->>'documentId' = ids.id::text OR j.data->>'batchId' = ids.id::text), ': no job') AS what
     FROM ids`,
    [batchId],
  ).catch((err: Error) => ({ rows: [{ what: `(not read: ${err.message})` }] }));
  return rows.map((r) => r.what).join('; ') + ` (now ${new Date().toISOString().slice(11, 19)})`;
}
