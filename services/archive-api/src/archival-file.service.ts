/**
 * Dossiers become archival files, records their documents, and archivists correct the descriptions. Every write
 * here runs in the caller's transaction, with its audit row.
 */
import { retentionFromClosing } from './file-closing.ts';
import { AppError, dossierRepository, recordAudit, withTransaction, type Db, type Queryable } from '@sohoa/shared';
import {
  changesOf, deriveDocumentDescription, deriveFileDescription, deriveFondsDescription, effective,
  type DocumentDescription, type DocumentEdit, type FileDescription, type FileEdit, type FieldChange,
} from './description.ts';
import type { DescribedFile, DescribedFonds } from './description-export.ts';
import * as repo from './description.repository.ts';
import { findEvents } from './audit.repository.ts';

export type ClosedBecause = 'result-issued' | 'closed';

/**
 * Closes the dossier (if it is not yet) and files it: the archival file is made once, then its documents and
 * counts are (re)derived from the records it has now. Safe to call again, e.g. when a record joins later.
 * Returns the file's id.
 */
export async function fileDossier(tx: Queryable, dossierId: string, o: { because: ClosedBecause; actor: string; at: Date }): Promise<string> {
  const dossier = await repo.lockDossier(tx, dossierId);
  if (!dossier) throw new AppError('not-found', 'dossier not found', 404);
  await dossierRepository.close(tx, dossierId, o.at);
  const closedAt = dossier.closed_at ?? o.at;
  const placeholder = describe(dossier, closedAt, o.because, []).file;
  if (await repo.insertFile(tx, { dossierId, unitId: dossier.unit_id, closedAt, closedBy: o.actor, closedBecause: o.because, derived: placeholder })) {
    const file = (await repo.fileOfDossier(tx, dossierId))!;
    await recordAudit(tx, { actor: o.actor, action: 'file.closed', subjectType: 'archival-file', subjectId: file.id, detail: { dossier: dossier.code, because: o.because } });
  }
  // Retention counts from the end of the year the file closed, for the records filed now and those joining later.
  await retentionFromClosing(tx, { dossierId, closedAt, actor: o.actor });
  return refreshFile(tx, dossierId);
}

/** A record archived into a dossier already filed joins its file; otherwise nothing happens until the file closes. */
export async function recordArchived(tx: Queryable, r: { dossierId: string; isResult: boolean; at: Date }): Promise<void> {
  if (r.isResult) {
    await fileDossier(tx, r.dossierId, { because: 'result-issued', actor: 'system', at: r.at });
    return;
  }
  await repo.lockDossier(tx, r.dossierId);
  const file = await repo.fileOfDossier(tx, r.dossierId);
  if (!file) return;
  await retentionFromClosing(tx, { dossierId: r.dossierId, closedAt: file.closed_at, actor: 'system' });
  await refreshFile(tx, r.dossierId);
}

function describe(dossier: repo.DossierToFile, closedAt: Date, because: ClosedBecause, records: repo.RecordToDescribe[]) {
  // Ordinals once given stay; records new to the file come after them in the order they were archived.
  let next = Math.max(0, ...records.map((r) => r.ordinal ?? 0));
  const fileCode = dossier.code;
  const documents = records.map((r) => {
    const ordinal = r.ordinal ?? ++next;
    return { recordId: r.id, ordinal, metadata: r.metadata, description: deriveDocumentDescription({ metadata: r.metadata, componentKind: r.component_kind, ordinal, fileCode }) };
  });
  const file = deriveFileDescription({
    dossierCode: dossier.code, procedureName: dossier.procedure_name, receivedAt: dossier.received_at, closedAt, closedBecause: because, documents,
  });
  return { file, documents };
}

async function refreshFile(tx: Queryable, dossierId: string): Promise<string> {
  const dossier = (await repo.lockDossier(tx, dossierId))!;
  const file = (await repo.fileOfDossier(tx, dossierId))!;
  const { file: derived, documents } = describe(dossier, file.closed_at, file.closed_because, await repo.recordsOfDossier(tx, dossierId));
  for (const d of documents) await repo.upsertDocument(tx, { recordId: d.recordId, fileId: file.id, ordinal: d.ordinal, derived: d.description });
  await repo.setFileDerived(tx, file.id, derived);
  return file.id;
}

export interface FileView { id: string; dossierId: string; unitId: string; closedAt: Date; closedBecause: ClosedBecause; description: FileDescription; documents: { recordId: string; description: DocumentDescription }[] }

export async function fileView(db: Queryable, id: string): Promise<FileView | null> {
  const file = await repo.loadFile(db, id);
  if (!file) return null;
  const docs = await repo.documentsOfFiles(db, [id]);
  return {
    id, dossierId: file.dossier_id, unitId: file.unit_id, closedAt: file.closed_at, closedBecause: file.closed_because,
    description: effective(file.derived, file.edited),
    documents: docs.map((d) => ({ recordId: d.record_id, description: effective(d.derived, d.edited) })),
  };
}

export const describedFile = (v: FileView): DescribedFile => ({ file: v.description, documents: v.documents.map((d) => d.description) });

export async function fondsView(db: Queryable, unit: { id: string; code: string; name: string }): Promise<DescribedFonds & { fileIds: string[] }> {
  const files = await repo.filesOfUnit(db, unit.id);
  const docs = await repo.documentsOfFiles(db, files.map((f) => f.id));
  const described = files.map((f) => ({
    file: effective(f.derived, f.edited),
    documents: docs.filter((d) => d.file_id === f.id).map((d) => effective(d.derived, d.edited)),
  }));
  return { fonds: deriveFondsDescription({ unitCode: unit.code, unitName: unit.name, files: described.map((f) => f.file) }), files: described, fileIds: files.map((f) => f.id) };
}

/** An archivist's edit over what sohoa derived: the fields it changes, the edits to keep, the description shown. */
function applyEdit<D extends object>(derived: D, edited: NoInfer<Partial<D>>, edit: NoInfer<Partial<D>>) {
  const current = effective(derived, edited);
  const changes = changesOf(current, edit);
  return { changes, edited: { ...edited, ...Object.fromEntries(changes.map((c) => [c.field, c.new])) } as Partial<D>, description: effective(current, edit) };
}

/**
 * An archivist's correction of a file's description. The old value of each changed field goes into the audit
 * row's detail (the audit trail is where old values are kept), in the transaction that changes it.
 */
export async function editFile(db: Db, o: { fileId: string; edit: FileEdit; actor: string; authorize(unitId: string): void }): Promise<{ description: FileDescription; changes: FieldChange[] }> {
  return withTransaction(db, async (tx) => {
    const file = await repo.loadFile(tx, o.fileId, true);
    if (!file) throw new AppError('not-found', 'archival file not found', 404);
    o.authorize(file.unit_id);
    const { changes, edited, description } = applyEdit(file.derived, file.edited, o.edit);
    if (changes.length) {
      await repo.setFileEdited(tx, file.id, edited);
      await recordAudit(tx, { actor: o.actor, action: 'file.described', subjectType: 'archival-file', subjectId: file.id, unitId: file.unit_id, detail: { changes } });
    }
    return { description, changes };
  });
}

export async function editDocument(db: Db, o: { recordId: string; edit: DocumentEdit; actor: string; authorize(unitId: string): void }): Promise<{ description: DocumentDescription; changes: FieldChange[] }> {
  return withTransaction(db, async (tx) => {
    const doc = await repo.loadDocument(tx, o.recordId, true);
    if (!doc) throw new AppError('not-filed', 'the record is in no archival file yet: close its dossier first', 409);
    o.authorize(doc.unit_id);
    const { changes, edited, description } = applyEdit(doc.derived, doc.edited, o.edit);
    if (changes.length) {
      await repo.setDocumentEdited(tx, o.recordId, edited);
      await recordAudit(tx, { actor: o.actor, action: 'document.described', subjectType: 'record', subjectId: o.recordId, unitId: doc.unit_id, detail: { changes } });
    }
    return { description, changes };
  });
}

/** A record's description: its filed one, or one derived on the spot for a record whose dossier is still open. */
export async function documentDescriptions(db: Queryable, recordIds: readonly string[]) {
  return (await repo.recordsToDescribe(db, recordIds)).map((r) => ({
    record: r,
    description: r.filed_derived
      ? effective(r.filed_derived, r.filed_edited ?? {})
      : deriveDocumentDescription({ metadata: r.metadata, componentKind: r.component_kind, ordinal: null, fileCode: null }),
  }));
}

/**
 * A file's edit history, newest first, from the audit trail (where the old values are kept): who closed it, and
 * each correction with every field's old and new value. Read by whoever reads the file, not only by auditors.
 */
export async function fileHistory(db: Queryable, fileId: string, limit = 200) {
  const rows = await findEvents(db, { subject: fileId, subjectType: 'archival-file', units: null, limit });
  return rows.slice(0, limit).filter((r) => r.action === 'file.described' || r.action === 'file.closed').map((r) => {
    const detail = (r.detail ?? {}) as { changes?: FieldChange[]; because?: string };
    return { at: r.at as Date, actor: r.actor as string, action: r.action as 'file.described' | 'file.closed', changes: detail.changes ?? [], because: detail.because ?? null };
  });
}
