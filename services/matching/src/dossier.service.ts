import sharp from 'sharp';
import {
  AppError, batchRepository, documentRepository, dossierRepository, recordAudit, withTransaction,
  type Acting, type Db, type ObjectStore, type Queryable, type Queue, type UnitScope,
} from '@sohoa/shared';
import { completeness, learnedPhrasesFrom, matchDocument, type PageWord } from './index.ts';
import * as repo from './dossier.repository.ts';
import { candidates, learnedPhrases } from './jobs/split.repository.ts';

export interface ClerkDeps {
  db: Db; store: ObjectStore; queue: Queue;
  /** How long a confirmed document waits before it is built: the clerk's time to take the confirmation back. */
  undoSeconds?: number;
}

/** Until a document is built it belongs to the clerk: pages can move, the component can change. */
const EDITABLE = new Set(['review', 'matched']);

export function documentSummary(d: repo.DocumentRow) {
  return {
    id: d.id, position: d.position, kind: d.kind, status: d.status, pages: d.page_ids, title: d.title,
    procedure: d.procedure_code, component: d.component_code, confidence: d.confidence, runnerUp: d.runner_up,
    needsReview: d.status === 'review', confirmedBy: d.confirmed_by, fields: d.fields, explanation: d.explanation,
    recordId: d.record_id, error: d.error, batch: d.batch_id, dossier: d.dossier_code,
    lowConfidencePages: d.low_confidence_pages, // the recognizer was unsure: worth a look before confirming
    blankPages: d.blank_page_ids, // back sides dropped from the document, shown to the clerk as dropped
  };
}

/**
 * A dossier as the counter sees it: its documents, and which required components are present, missing or
 * uncertain. It shows personal data (the owner's identifier, the fields read off the papers): the read is audited.
 */
export async function dossierView(db: Queryable, code: string, by: Acting) {
  const dossier = await repo.getDossier(db, code, by.units);
  if (!dossier) throw new AppError('not-found', `dossier ${code} not found`, 404);
  const documents = await repo.documentsOfDossier(db, dossier.id);
  await recordAudit(db, { actor: by.actor, action: 'dossier.read', subjectType: 'dossier', subjectId: dossier.id, unitId: dossier.unit_id, purpose: by.purpose, detail: { code: dossier.code } });
  const components = dossier.procedure_code ? await repo.componentsOf(db, dossier.catalog_version_id, dossier.procedure_code) : [];
  const items = completeness(
    components.filter((c) => c.kind === 'component'),
    documents.filter((d) => d.kind === 'document').map((d) => ({ id: d.id, componentCode: d.component_code, needsReview: d.status === 'review', confirmed: !!d.confirmed_by })),
  );
  return {
    code: dossier.code, codeSource: dossier.code_source, unit: dossier.unit_code, unitName: dossier.unit_name,
    procedure: dossier.procedure_code, procedureName: dossier.procedure_name, ownerIdentifier: dossier.owner_identifier,
    receivedAt: dossier.received_at, dueAt: dossier.due_at, status: dossier.status,
    documents: documents.map(documentSummary),
    completeness: dossier.procedure_code ? items : null,
    missing: items.filter((i) => i.required && i.state === 'missing').map((i) => i.code),
    uncertain: items.filter((i) => i.state === 'uncertain').map((i) => i.code),
  };
}

/** The documents waiting for a clerk, in the reader's units; their fields are personal data: audited per unit. */
export async function reviewList(db: Queryable, unitCode: string | null, by: Acting) {
  const documents = await repo.documentsInReview(db, unitCode, by.units);
  const byUnit = new Map<string, string[]>();
  for (const d of documents) byUnit.set(d.unit_id, [...(byUnit.get(d.unit_id) ?? []), d.id]);
  for (const [unitId, shown] of byUnit) {
    await recordAudit(db, { actor: by.actor, action: 'review.read', subjectType: 'unit', subjectId: unitId, unitId, purpose: by.purpose, detail: { documents: shown } });
  }
  return documents.map(documentSummary);
}

/** One document with its fields: audited (on its dossier) when someone reads it. */
export async function documentView(db: Queryable, id: string, by: Acting) {
  const doc = await repo.getDocument(db, id, false, by.units);
  if (!doc) throw new AppError('not-found', 'document not found', 404);
  await recordAudit(db, { actor: by.actor, action: 'dossier.document-read', subjectType: 'dossier', subjectId: doc.dossier_id, unitId: doc.unit_id, purpose: by.purpose, detail: { document: doc.id } });
  return documentSummary(doc);
}

/** A document as an edit leaves it, for the clerk who made the edit (the edit is what the trail records). */
async function editedView(db: Queryable, id: string) {
  return documentSummary((await repo.getDocument(db, id))!);
}

/**
 * The clerk's one action: "this document is component X" (a confirmation or a correction). It teaches the unit's
 * matcher, releases a document waiting for review to signing, and on an archived record has archive-api correct its metadata (record.reclassify).
 */
export async function confirmComponent(deps: ClerkDeps, o: { documentId: string; componentCode: string; procedureCode?: string; by: Acting }) {
  await withTransaction(deps.db, async (tx) => {
    const doc = await repo.getDocument(tx, o.documentId, true, o.by.units);
    if (!doc) throw new AppError('not-found', 'document not found', 404);
    if (doc.kind !== 'document') throw new AppError('not-a-component', 'a receipt is not a dossier component', 409);
    const procedureCode = o.procedureCode ?? doc.procedure_code ?? doc.dossier_procedure;
    if (!procedureCode) throw new AppError('procedure-unknown', 'say which procedure ("procedure") the component belongs to', 422);
    const component = (await repo.componentsOf(tx, doc.catalog_version_id, procedureCode)).find((c) => c.code === o.componentCode);
    if (!component) throw new AppError('unknown-component', `procedure ${procedureCode} has no component ${o.componentCode}`, 422);

    await documentRepository.confirmComponent(tx, doc.id, { procedureCode, componentCode: component.code, actor: o.by.actor });
    await dossierRepository.procedureFound(tx, doc.dossier_id, procedureCode);
    const pages = await repo.pageTexts(tx, doc.page_ids);
    await repo.addLearnedPhrases(tx, doc.unit_id, learnedPhrasesFrom(pages, procedureCode, component.code));
    // An archived record is archive-api's to correct: asked in this transaction, so it happens exactly when the correction commits.
    if (doc.record_id) await deps.queue.send('record.reclassify', { documentId: doc.id }, { tx });
    await recordAudit(tx, {
      actor: o.by.actor, action: doc.component_code === component.code ? 'document.component-confirmed' : 'document.component-corrected',
      subjectType: 'document', subjectId: doc.id, unitId: doc.unit_id, purpose: o.by.purpose, detail: { from: doc.component_code, to: component.code, procedure: procedureCode, confidence: doc.confidence },
    });
    if (doc.status === 'review') await deps.queue.send('document.build', { documentId: doc.id }, { tx, startAfterSeconds: deps.undoSeconds ?? 0 });
  });
  return editedView(deps.db, o.documentId);
}

/**
 * Takes back a clerk's confirmation (the undo of a component change) while the document is not built: it waits for
 * review again, with the matcher's guess decided afresh; a build queued by the confirmation finds a newer revision
 * and does nothing.
 */
export async function reopenDocument(deps: ClerkDeps, o: { documentId: string; by: Acting }) {
  await withTransaction(deps.db, async (tx) => {
    const doc = await editable(tx, o.documentId, o.by.units);
    if (doc.kind !== 'document') throw new AppError('not-a-component', 'a receipt is not a dossier component', 409);
    const pages = await repo.pageTexts(tx, doc.page_ids);
    // What the confirmation taught the unit's matcher is unlearned with it.
    const procedure = doc.procedure_code ?? doc.dossier_procedure;
    if (doc.confirmed_by && procedure && doc.component_code) await repo.forgetLearnedPhrases(tx, doc.unit_id, learnedPhrasesFrom(pages, procedure, doc.component_code));
    const m = matchDocument(pages, await candidates(tx, doc.catalog_version_id, procedure), await learnedPhrases(tx, doc.unit_id));
    await documentRepository.reopened(tx, doc.id);
    await documentRepository.rematched(tx, doc.id, { ...m, needsReview: true });
    await documentRepository.edited(tx, doc.id, 'review');
    await recordAudit(tx, {
      actor: o.by.actor, action: 'document.reopened', subjectType: 'document', subjectId: doc.id, unitId: doc.unit_id, purpose: o.by.purpose,
      detail: { component: doc.component_code, confirmedBy: doc.confirmed_by },
    });
  });
  return editedView(deps.db, o.documentId);
}

/** The largest side of a page thumbnail, in pixels: enough to tell a form from a letter on the review screen. */
const THUMBNAIL_SIDE = 320;

/**
 * Which image a page shows now (its key turns with every rotation), if the page is of the caller's units: the
 * thumbnail's validator, so a browser asks again cheaply and sees a rotation at once. Not audited on its own: page
 * ids reach a caller only through the audited reads of the dossier, the review list or the document.
 */
export async function pageImageVersion(db: Queryable, pageId: string, by: Acting): Promise<string> {
  const page = await repo.pageImage(db, pageId, by.units);
  if (!page) throw new AppError('not-found', 'page not found', 404);
  if (!page.image_key) throw new AppError('not-ready', 'the page has not been cleaned up yet', 409);
  return page.image_key;
}

/** A small WebP of a page's cleaned image (the one the OCR read and the PDF is built from). */
export async function pageThumbnail(store: ObjectStore, imageKey: string): Promise<Buffer> {
  return sharp(await store.get(imageKey)).resize({ width: THUMBNAIL_SIDE, height: THUMBNAIL_SIDE, fit: 'inside', withoutEnlargement: true }).webp({ quality: 70 }).toBuffer();
}

/** Appends the other document's pages to this one (a document the machine cut in two). */
export async function mergeDocuments(deps: ClerkDeps, o: { documentId: string; otherId: string; by: Acting }) {
  if (o.documentId === o.otherId) throw new AppError('same-document', 'a document cannot be merged with itself', 422);
  return editDocuments(deps, async (tx) => {
    const [doc, other] = [await editable(tx, o.documentId, o.by.units), await editable(tx, o.otherId, o.by.units)];
    if (doc.dossier_id !== other.dossier_id) throw new AppError('other-dossier', 'both documents must belong to the same dossier', 409);
    await documentRepository.merge(tx, doc.id, [...doc.page_ids, ...other.page_ids], other.id);
    await recordAudit(tx, { actor: o.by.actor, action: 'document.merged', subjectType: 'document', subjectId: doc.id, unitId: doc.unit_id, purpose: o.by.purpose, detail: { merged: other.id, pages: other.page_ids } });
    return [doc.id];
  });
}

/** Cuts a document before its page number `atPage` (1-based): a form the machine took for a continuation. */
export async function splitDocument(deps: ClerkDeps, o: { documentId: string; atPage: number; by: Acting }) {
  return editDocuments(deps, async (tx) => {
    const doc = await editable(tx, o.documentId, o.by.units);
    if (!Number.isInteger(o.atPage) || o.atPage < 2 || o.atPage > doc.page_ids.length) {
      throw new AppError('bad-page', `atPage must be between 2 and ${doc.page_ids.length}`, 422);
    }
    const [head, tail] = [doc.page_ids.slice(0, o.atPage - 1), doc.page_ids.slice(o.atPage - 1)];
    const newId = await documentRepository.split(
      tx, { id: doc.id, batchId: doc.batch_id, dossierId: doc.dossier_id, position: doc.position, procedureCode: doc.procedure_code }, head, tail,
    );
    await recordAudit(tx, { actor: o.by.actor, action: 'document.split', subjectType: 'document', subjectId: doc.id, unitId: doc.unit_id, purpose: o.by.purpose, detail: { newDocument: newId, pages: tail } });
    return [doc.id, newId];
  });
}

/** Puts the document's pages in the clerk's order (the same pages, nothing added or lost). */
export async function reorderPages(deps: ClerkDeps, o: { documentId: string; pageIds: string[]; by: Acting }) {
  return editDocuments(deps, async (tx) => {
    const doc = await editable(tx, o.documentId, o.by.units);
    const same = o.pageIds.length === doc.page_ids.length && new Set(o.pageIds).size === o.pageIds.length && o.pageIds.every((id) => doc.page_ids.includes(id));
    if (!same) throw new AppError('not-the-same-pages', 'give every page of the document exactly once', 422);
    await documentRepository.reorder(tx, doc.id, o.pageIds);
    await recordAudit(tx, { actor: o.by.actor, action: 'document.reordered', subjectType: 'document', subjectId: doc.id, unitId: doc.unit_id, purpose: o.by.purpose, detail: { from: doc.page_ids, to: o.pageIds } });
    return [doc.id];
  });
}

/** Turns a page the orientation step got wrong: the image and its word boxes turn together. */
export async function rotatePage(deps: ClerkDeps, o: { pageId: string; degrees: number; by: Acting }) {
  if (![90, 180, 270].includes(o.degrees)) throw new AppError('bad-rotation', 'degrees must be 90, 180 or 270 (clockwise)', 422);
  return editDocuments(deps, async (tx) => {
    const documentId = await repo.documentOfPage(tx, o.pageId, o.by.units);
    if (!documentId) throw new AppError('not-found', 'page not found in any document', 404);
    const doc = await editable(tx, documentId, o.by.units);
    const { rows: pages } = await tx.query<{ image_key: string; width: number; height: number; rotation: number; words: PageWord[] }>(
      'SELECT image_key, width, height, rotation, words FROM pages WHERE id = $1 FOR UPDATE',
      [o.pageId],
    );
    const page = pages[0];
    // A new key, switched to in this transaction: if the transaction fails, the page still shows the old image.
    const image = await sharp(await deps.store.get(page.image_key)).rotate(o.degrees).jpeg({ quality: 85, mozjpeg: true }).toBuffer();
    const imageKey = page.image_key.replace(/(\.turned-\d+)?\.jpg$/, `.turned-${Date.now()}.jpg`);
    await deps.store.put(imageKey, image, { contentType: 'image/jpeg' });
    const turned = rotateWords(page.words ?? [], page.width, page.height, o.degrees as 90 | 180 | 270);
    const [width, height] = o.degrees === 180 ? [page.width, page.height] : [page.height, page.width];
    await batchRepository.pageTurned(tx, o.pageId, { width, height, degrees: o.degrees, words: turned, imageKey });
    await recordAudit(tx, { actor: o.by.actor, action: 'page.rotated', subjectType: 'page', subjectId: o.pageId, unitId: doc.unit_id, purpose: o.by.purpose, detail: { degrees: o.degrees, document: doc.id } });
    return [doc.id];
  });
}

/** Word boxes of an image of width × height after turning it clockwise by `degrees`. */
export function rotateWords(words: PageWord[], width: number, height: number, degrees: 90 | 180 | 270): PageWord[] {
  return words.map((w) => {
    const { x0, y0, x1, y1 } = w.box;
    const box =
      degrees === 90 ? { x0: height - y1, y0: x0, x1: height - y0, y1: x1 }
      : degrees === 180 ? { x0: width - x1, y0: height - y1, x1: width - x0, y1: height - y0 }
      : { x0: y0, y0: width - x1, x1: y1, y1: width - x0 };
    return { ...w, box };
  });
}

/** A document of the caller's units the clerk may still change; another unit's is not found. */
async function editable(tx: Queryable, id: string, units: UnitScope): Promise<repo.DocumentRow> {
  const doc = await repo.getDocument(tx, id, true, units);
  if (!doc) throw new AppError('not-found', `document ${id} not found`, 404);
  if (!EDITABLE.has(doc.status)) throw new AppError('not-editable', `document ${id} is already ${doc.status}: its pages can no longer change`, 409);
  return doc;
}

/**
 * Runs a structural edit, then decides each touched document again: a clerk-confirmed component stands; otherwise
 * the matcher runs on the new pages. Confident documents go on to be built, the others wait for review.
 */
async function editDocuments(deps: ClerkDeps, edit: (tx: Queryable) => Promise<string[]>) {
  const touched = await withTransaction(deps.db, async (tx) => {
    const touched = await edit(tx);
    for (const id of touched) {
      const doc = (await repo.getDocument(tx, id))!;
      let needsReview = false;
      if (!doc.confirmed_by) {
        const pages = await repo.pageTexts(tx, doc.page_ids);
        const procedure = doc.procedure_code ?? doc.dossier_procedure;
        const m = matchDocument(pages, await candidates(tx, doc.catalog_version_id, procedure), await learnedPhrases(tx, doc.unit_id));
        needsReview = m.needsReview;
        await documentRepository.rematched(tx, id, m);
      }
      await documentRepository.edited(tx, id, needsReview ? 'review' : 'matched');
      if (!needsReview) await deps.queue.send('document.build', { documentId: id }, { tx });
    }
    return touched;
  });
  return Promise.all(touched.map((id) => editedView(deps.db, id)));
}
