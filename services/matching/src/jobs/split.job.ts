import { randomUUID } from 'node:crypto';
import { batchReadyToSplit, batchRepository, documentRepository, dossierRepository, recordAudit, withTransaction, type Db, type JobHandler, type NewDocument, type Queryable, type Queue } from '@sohoa/shared';
import { extractFields, matchDocument, splitBatch, type DossierCodeInfo, type PageText } from '../index.ts';
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
        const first = splitBatch(pages, await repo.candidates(tx, batch.catalog_version_id, batch.procedure_code));
        const dossier = first.dossier ? await adoptDossier(tx, batch, first.dossier) : { id: batch.dossier_id, procedureCode: batch.procedure_code };
        // The QR may have told the procedure: split and match against its components.
        const candidates = await repo.candidates(tx, batch.catalog_version_id, dossier.procedureCode);
        const split = dossier.procedureCode === batch.procedure_code ? first : splitBatch(pages, candidates);
        const learned = await repo.learnedPhrases(tx, batch.unit_id);
        const byId = new Map(pages.map((p) => [p.pageId, p]));
        const backSides = attributeBlankPages(pages.map((p) => p.pageId), split.documents.map((d) => d.pageIds), split.blankPageIds);

        const documents: NewDocument[] = split.documents.map((doc, position) => {
          const docPages = doc.pageIds.map((id) => byId.get(id)!);
          const fields = extractFields(docPages.map((p) => p.text).join('\n'));
          const base = { id: randomUUID(), batchId, dossierId: dossier.id, position, kind: doc.kind, pageIds: doc.pageIds, blankPageIds: backSides[position], fields };
          if (doc.kind === 'receipt') {
            return { ...base, procedureCode: dossier.procedureCode, componentCode: null, title: doc.title, confidence: 1, runnerUp: null, explanation: ['receipt of the dossier (giấy tiếp nhận)'], needsReview: false, confirmedBy: null };
          }
          if (batch.component_code) {
            return { ...base, procedureCode: dossier.procedureCode, componentCode: batch.component_code, title: doc.title, confidence: 1, runnerUp: null, explanation: ['component given by the clerk with the batch'], needsReview: false, confirmedBy: batch.created_by };
          }
          const m = matchDocument(docPages, candidates, learned);
          return { ...base, procedureCode: m.procedureCode, componentCode: m.componentCode, title: m.title ?? doc.title, confidence: m.confidence, runnerUp: m.runnerUp, explanation: m.explanation, needsReview: m.needsReview, confirmedBy: null };
        });
        for (const d of documents) await documentRepository.createFromSplit(tx, d);
        // A dossier received without its procedure takes the one its confidently matched papers agree on.
        const agreed = new Set(documents.filter((d) => d.kind === 'document' && !d.needsReview && d.procedureCode).map((d) => d.procedureCode));
        if (!dossier.procedureCode && agreed.size === 1) {
          await dossierRepository.procedureFound(tx, dossier.id, [...agreed][0]!);
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
        return documents;
      });
      if (!created) return { status: 'skipped', reason: 'another worker split the batch' };
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

/** A blank page belongs to the document whose page it follows in scan order (its back side); leading blanks to the first. */
export function attributeBlankPages(scanOrder: string[], documents: string[][], blankIds: string[]): string[][] {
  const owner = new Map<string, number>();
  documents.forEach((ids, i) => ids.forEach((id) => owner.set(id, i)));
  const blank = new Set(blankIds);
  const result = documents.map(() => [] as string[]);
  let last: number | null = null;
  const leading: string[] = [];
  for (const id of scanOrder) {
    if (owner.has(id)) last = owner.get(id)!;
    else if (blank.has(id)) (last === null ? leading : result[last]).push(id);
  }
  if (result.length) result[0].unshift(...leading);
  return result;
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
