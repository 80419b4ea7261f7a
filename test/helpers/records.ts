/**
 * Records without the OCR pipeline: a dossier, a batch and a signed document are written straight into the test's
 * database, and the real record.archive handler makes the record from them (object, SHA-256, retention).
 */
import { randomUUID } from 'node:crypto';
import { archiveRecordJob } from '@sohoa/archive-api';
import type { Runtime } from '../../src/runtime.ts';

export interface ArchivedFixture { recordId: string; documentId: string; dossierId: string; dossierCode: string; unitId: string; bytes: Buffer }

let running = 0;

export async function archivedRecord(runtime: Runtime, o: { procedure: string; component: string | null; dossierId?: string; bytes?: Buffer }): Promise<ArchivedFixture> {
  const { db, store } = runtime;
  const unit = (await db.query<{ id: string; code: string }>(`SELECT id, code FROM units WHERE code = '000.00.00.H00'`)).rows[0]!;
  const catalog = (await db.query<{ id: number }>('SELECT max(id) AS id FROM catalog_versions')).rows[0]!.id;
  let dossierId = o.dossierId;
  if (!dossierId) {
    running += 1;
    const code = `${unit.code}-261121-${String(running).padStart(4, '0')}`; // a fresh data folder per test file: no clash
    dossierId = (await db.query<{ id: string }>(
      'INSERT INTO dossiers (code, unit_id, procedure_code, catalog_version_id) VALUES ($1, $2, $3, $4) RETURNING id', [code, unit.id, o.procedure, catalog],
    )).rows[0]!.id;
  }
  const dossierCode = (await db.query<{ code: string }>('SELECT code FROM dossiers WHERE id = $1', [dossierId])).rows[0]!.code;
  const batchId = (await db.query<{ id: string }>(
    `INSERT INTO batches (unit_id, dossier_id, source, created_by) VALUES ($1, $2, 'upload', 'token:test') RETURNING id`, [unit.id, dossierId],
  )).rows[0]!.id;
  const bytes = o.bytes ?? Buffer.from(`%PDF-1.4\n% a signed record ${randomUUID()}\n%%EOF\n`);
  const signedKey = `work/batches/${batchId}/documents/signed.pdf`;
  await store.put(signedKey, bytes, { contentType: 'application/pdf' });
  const documentId = (await db.query<{ id: string }>(
    `INSERT INTO documents (batch_id, dossier_id, component_code, procedure_code, page_ids, status, signed_key, title)
     VALUES ($1, $2, $3, $4, '{}', 'signed', $5, 'Tài liệu thử') RETURNING id`, [batchId, dossierId, o.component, o.procedure, signedKey],
  )).rows[0]!.id;
  const outcome = await archiveRecordJob({ db, store }).run({ documentId });
  if (outcome.status !== 'done') throw new Error(`archiving the fixture: ${JSON.stringify(outcome)}`);
  const recordId = (await db.query<{ id: string }>('SELECT id FROM records WHERE document_id = $1', [documentId])).rows[0]!.id;
  return { recordId, documentId, dossierId, dossierCode, unitId: unit.id, bytes };
}

/** Moves a record's retention into the past, as if its file had closed long ago (the test's time machine). */
export async function backdate(runtime: Runtime, recordId: string, retainUntil: string): Promise<void> {
  await runtime.db.query(`UPDATE records SET retain_until = $2, retention_provisional = false WHERE id = $1`, [recordId, retainUntil]);
}
