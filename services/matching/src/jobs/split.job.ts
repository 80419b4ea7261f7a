import { randomUUID } from 'node:crypto';
import { batchReadyToSplit, batchRepository, documentRepository, dossierRepository, eventRepository, metrics, recordAudit, withTransaction, type Db, type JobHandler, type NewDocument, type Queryable, type Queue } from '@sohoa/shared';
import { documentsFromPages, dossierCodeOf, type DossierCodeInfo, type PageText } from '../index.ts';
import * as repo from './split.repository.ts';

export interface SplitJobDeps { db: Db; queue: Queue }

/**
 * batch.split: once every page of a batch is recognized, the batch is cut into documents (receipt/separator QR
 * codes, blank back sides, form titles), each matched to a dossier component. Confident documents go on to be
 * built and signed; the others wait in the clerk's review list.
 */
export function splitBatchJob(deps: SplitJobDeps): JobHandler<'batch.split'> {
  return {
    async run({ batchId }) {
      const batch = await repo.batchToSplit(deps.db, batchId);
      if (!batch) return { status: 'skipped', reason: 'batch not found' };
      if (batch.split_at) {
        // A crash may have come between the split and queueing the builds: queueing again is harmless.
        for (const documentId of await repo.matchedDocumentsOf(deps.db, batchId)) await deps.queue.send('document.build', { documentId });
        return { status: 'skipped', reason: 'batch already split' };
      }
      if (!(await batchReadyToSplit(deps.db, batchId))) return { status: 'skipped', reason: 'pages still waiting' };

      const rows = await repo.pagesOfBatch(deps.db, batchId);
      const pages: PageText[] = rows
        .filter((p) => p.status === 'done')
        .map((p) => ({ pageId: p.id, blank: !!p.blank, width: p.width ?? 0, height: p.height ?? 0, text: p.text ?? '', words: p.words ?? [], codes: p.codes ?? [] }));

      const created = await withTransaction(deps.db, async (tx) => {
        if (!(await batchRepository.claimSplit(tx, batchId))) return null;
        const code = dossierCodeOf(pages);
        const dossier = code ? await adoptDossier(tx, batch, code) : { id: batch.dossier_id, procedureCode: batch.procedure_code };
        const split = documentsFromPages(pages, {
          candidates: await repo.candidates(tx, batch.catalog_version_id, null), // every procedure's: documentsFromPages keeps the dossier's
          procedureCode: dossier.procedureCode,
          learned: await repo.learnedPhrases(tx, batch.unit_id),
          givenComponent: batch.component_code,
        });
        const documents: NewDocument[] = split.documents.map(({ decidedBy, ...doc }, position) => ({
          ...doc, id: randomUUID(), batchId, dossierId: dossier.id, position, confirmedBy: decidedBy === 'clerk' ? batch.created_by : null,
        }));
        for (const d of documents) await documentRepository.createFromSplit(tx, d);
        if (!dossier.procedureCode && split.procedureCode) {
          await dossierRepository.procedureFound(tx, dossier.id, split.procedureCode);
        }
        await batchRepository.setPageRoles(tx, [
          { role: 'content', ids: split.documents.flatMap((d) => d.pageIds) },
          { role: 'blank', ids: split.blankPageIds },
          { role: 'separator', ids: split.separatorPageIds },
          { role: 'unreadable', ids: rows.filter((p) => p.status === 'failed').map((p) => p.id) },
        ]);
        await recordAudit(tx, {
          actor: 'system', action: 'batch.split', subjectType: 'batch', subjectId: batchId,
          detail: { documents: documents.length, review: documents.filter((d) => d.needsReview).length, blank: split.blankPageIds.length, separators: split.separatorPageIds.length, dossierFromCode: split.dossier?.dossierCode ?? null },
        });
        for (const d of documents) if (!d.needsReview) await deps.queue.send('document.build', { documentId: d.id }, { tx });
        const review = documents.filter((d) => d.needsReview).length;
        if (review) {
          // Other systems hear of it (webhooks outbox): the dossier waits for a clerk.
          await eventRepository.appendEvent(tx, { type: 'dossier.needs-review', unitId: batch.unit_id, dossierId: dossier.id, data: { batch: batchId, documents: review } });
        }
        return documents;
      });
      if (!created) return { status: 'skipped', reason: 'another worker split the batch' };
      for (const d of created) metrics.documentsSplit.inc({ outcome: d.needsReview ? 'review' : 'matched' });
      return { status: 'done' };
    },
    async giveUp({ batchId }, error) {
      // The batch ends failed with the reason (GET /api/v1/batches/:id) instead of staying in processing.
      await withTransaction(deps.db, async (tx) => {
        if (await batchRepository.failSplit(tx, batchId, `the batch could not be cut into documents: ${error}`)) {
          await recordAudit(tx, { actor: 'system', action: 'batch.split-failed', subjectType: 'batch', subjectId: batchId, detail: { error } });
        }
      });
    },
  };
}

/**
 * The receipt's code names the dossier. A generated code yields to it (the dossier takes the code, or the batch joins
 * the dossier already known by it); a code the clerk typed is kept, and the disagreement is left in the audit trail.
 */
async function adoptDossier(tx: Queryable, batch: repo.BatchToSplit, read: DossierCodeInfo): Promise<{ id: string; procedureCode: string | null }> {
  // A procedure read from a QR code counts only when the dossier's catalog knows it.
  const known = read.procedureCode && (await repo.candidates(tx, batch.catalog_version_id, read.procedureCode)).length > 0;
  const code: DossierCodeInfo = known ? read : { ...read, procedureCode: undefined };
  const current = { id: batch.dossier_id, procedureCode: batch.procedure_code };
  if (code.dossierCode === batch.dossier_code) return current;
  if (!batch.dossier_generated) {
    await recordAudit(tx, { actor: 'system', action: 'dossier.code-disagrees', subjectType: 'batch', subjectId: batch.id, detail: { given: batch.dossier_code, read: code.dossierCode } });
    return current;
  }
  const existing = await repo.findDossierByCode(tx, code.dossierCode);
  if (existing && existing.unit_id === batch.unit_id) {
    await batchRepository.moveToDossier(tx, batch.id, existing.id);
    await dossierRepository.deleteIfEmpty(tx, batch.dossier_id);
    return { id: existing.id, procedureCode: existing.procedure_code ?? code.procedureCode ?? batch.procedure_code };
  }
  if (existing) return current; // another unit's dossier: never joined silently
  const procedureCode = batch.procedure_code ?? code.procedureCode ?? null;
  await dossierRepository.codeFromReceipt(tx, batch.dossier_id, { code: code.dossierCode, procedureCode, ownerIdentifier: code.ownerIdentifier ?? null });
  await recordAudit(tx, { actor: 'system', action: 'dossier.code-from-receipt', subjectType: 'batch', subjectId: batch.id, detail: { was: batch.dossier_code, now: code.dossierCode } });
  return { id: batch.dossier_id, procedureCode };
}
