/**
 * Dossiers for the oversight figures (the digitization rate, the queue): received at a given time, with records
 * archived by the real record.archive job for some components, documents still waiting at a stage for others, and
 * pages not yet read. Seeded through the repositories, no OCR (the stack's workers may be off).
 */
import { randomUUID } from 'node:crypto';
import { batchRepository, documentRepository, dossierRepository, objectKey, type Db, type ObjectStore } from '@sohoa/shared';
import { archiveRecordJob } from '@sohoa/archive-api';

export interface OversightDossier {
  unitId: string; code: string; procedure: string | null; receivedAt: Date;
  /** Components archived as records, each of `pagesEach` pages. */
  archived: string[];
  /** Components whose document waits for the clerk's review. */
  inReview?: string[];
  /** Components whose document is built and waits to be signed. */
  toSign?: string[];
  /** Pages uploaded and not yet read (cleanup and OCR). */
  unreadPages?: number;
  pagesEach?: number;
}

const pageIds = (n: number) => Array.from({ length: n }, () => randomUUID());

/** The dossier, and its records' ids by component code. */
export async function seedOversightDossier(db: Db, store: ObjectStore, d: OversightDossier): Promise<Record<string, string>> {
  const catalogVersion = (await db.query<{ id: number }>('SELECT max(id) AS id FROM catalog_versions')).rows[0]!.id;
  const dossierId = await dossierRepository.insertDossier(db, {
    code: d.code, codeSource: 'given', unitId: d.unitId, procedureCode: d.procedure, catalogVersionId: catalogVersion, receivedAt: d.receivedAt,
  });
  const batchId = randomUUID();
  await batchRepository.insertBatch(db, { id: batchId, unitId: d.unitId, dossierId, componentCode: null, source: 'upload', createdBy: 'test' });
  if (d.unreadPages) {
    const fileId = randomUUID();
    await batchRepository.insertFile(db, { id: fileId, batchId, position: 0, name: 'scan.pdf', size: 1, sha256: '0'.repeat(64), objectKey: objectKey('work', 'incoming', `${fileId}.pdf`) });
    for (let i = 0; i < d.unreadPages; i += 1) await batchRepository.upsertPage(db, { fileId, batchId, pageIndex: i, sourceKey: `${fileId}/${i}`, dpi: 300 });
  }
  const records: Record<string, string> = {};
  const waiting = [...(d.inReview ?? []).map((c) => [c, 'review'] as const), ...(d.toSign ?? []).map((c) => [c, 'sign'] as const)];
  const all = [...d.archived.map((c) => [c, 'archive'] as const), ...waiting];
  for (const [position, [component, fate]] of all.entries()) {
    const documentId = randomUUID();
    const review = fate === 'review';
    await documentRepository.createFromSplit(db, {
      id: documentId, batchId, dossierId, position, kind: 'document', pageIds: pageIds(d.pagesEach ?? 1), blankPageIds: [], procedureCode: d.procedure,
      componentCode: component, title: component, confidence: review ? 0.3 : 1, runnerUp: null, explanation: [], fields: {}, needsReview: review,
      confirmedBy: review ? null : 'test',
    });
    if (review) continue;
    await documentRepository.markBuilt(db, documentId, 0, objectKey('work', 'built', `${documentId}.pdf`));
    if (fate === 'sign') continue;
    const signedKey = objectKey('work', 'signed', `${documentId}.pdf`);
    await store.put(signedKey, Buffer.from(`%PDF-1.4\n% ${component} of ${d.code}\n%%EOF\n`), { contentType: 'application/pdf' });
    await documentRepository.markSigned(db, documentId, signedKey);
    const outcome = await archiveRecordJob({ db, store }).run({ documentId });
    if (outcome.status !== 'done') throw new Error(`archiving ${component} of ${d.code}: ${JSON.stringify(outcome)}`);
    records[component] = (await db.query<{ id: string }>('SELECT id FROM records WHERE document_id = $1', [documentId])).rows[0]!.id;
  }
  return records;
}
