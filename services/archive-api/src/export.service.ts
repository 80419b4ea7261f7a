/**
 * What goes into a BagIt export, for transfer to the historical archive or a user's copy: the signed PDFs, the
 * description XML (a fonds, a file, or the documents picked), and each record's audit events, all as payload.
 *
 *   data/description.xml
 *   data/<FileCode>/<DocOrdinal>-<record id>.pdf         (data/unfiled/<record id>.pdf while its dossier is open)
 *   data/<FileCode>/<DocOrdinal>-<record id>.audit.json
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { AppError, objectKey, recordAudit, withTransaction, type Db, type JobHandler, type ObjectStore, type Queryable, type Queue } from '@sohoa/shared';
import { writeBag, type BagPayloadFile, type WrittenBag } from './bagit.ts';
import { describedFile, documentDescriptions, fileView, fondsView } from './archival-file.service.ts';
import { descriptionXml, type DescriptionExport } from './description-export.ts';
import * as descriptions from './description.repository.ts';
import * as repo from './export.repository.ts';

export interface ExportDeps { db: Db; store: ObjectStore; queue: Queue }

/** A path part from a code: codes are checked on the way in; this keeps a bag's paths plain whatever they hold. */
const pathPart = (s: string) => s.replace(/[^0-9A-Za-z._-]/g, '_').replace(/^\.+/, '_');

interface BagContents { name: string; payload: BagPayloadFile[]; source: string; identifier: string; description: string }

async function payloadOf(db: Queryable, store: ObjectStore, recordIds: readonly string[], description: DescriptionExport): Promise<BagPayloadFile[]> {
  const xml = Buffer.from(descriptionXml(description));
  const payload: BagPayloadFile[] = [buffered('description.xml', xml)];
  for (const { record, description: doc } of await documentDescriptions(db, recordIds)) {
    const folder = record.file_code ? pathPart(record.file_code) : 'unfiled';
    // The zip is streamed with its length announced: a PDF found missing halfway could only cut the download off.
    if (record.disposed) throw new AppError('record-disposed', `record ${record.id} was disposed of: its PDF is destroyed, only its tombstone is left`, 410);
    if (!(await store.stat(record.object_key))) throw new AppError('object-missing', `the signed PDF of record ${record.id} is missing from the object store`, 404);
    const stem = doc.DocOrdinal !== null ? `${String(doc.DocOrdinal).padStart(3, '0')}-${record.id}` : record.id;
    payload.push({ path: `${folder}/${stem}.pdf`, size: record.size, sha256: record.sha256, open: () => store.getStream(record.object_key) });
    const audit = Buffer.from(`${JSON.stringify(await descriptions.auditEventsOf(db, 'record', record.id), null, 2)}\n`);
    payload.push(buffered(`${folder}/${stem}.audit.json`, audit));
  }
  return payload;
}

function buffered(path: string, bytes: Buffer): BagPayloadFile {
  return { path, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), open: () => Readable.from([bytes]) };
}

async function contentsOf(db: Queryable, store: ObjectStore, row: repo.ExportRow): Promise<BagContents> {
  const name = `sohoa-export-${row.id}`;
  if ('fileId' in row.subject) {
    const view = await fileView(db, row.subject.fileId);
    if (!view) throw new AppError('not-found', 'archival file not found', 404);
    const unit = await descriptions.unitById(db, view.unitId);
    const payload = await payloadOf(db, store, view.documents.map((d) => d.recordId), { kind: 'file', value: describedFile(view) });
    return { name, payload, source: unit?.name ?? '', identifier: view.description.FileCode, description: view.description.Title };
  }
  if ('unitId' in row.subject) {
    const unit = await descriptions.unitById(db, row.subject.unitId);
    if (!unit) throw new AppError('not-found', 'unit not found', 404);
    const fonds = await fondsView(db, unit);
    const recordIds = (await descriptions.documentsOfFiles(db, fonds.fileIds)).map((d) => d.record_id);
    const payload = await payloadOf(db, store, recordIds, { kind: 'fonds', value: fonds });
    return { name, payload, source: unit.name, identifier: unit.code, description: `Phông ${unit.name}` };
  }
  const docs = await documentDescriptions(db, row.subject.recordIds);
  const payload = await payloadOf(db, store, row.subject.recordIds, { kind: 'documents', value: docs.map((d) => d.description) });
  const units = [...new Set(docs.map((d) => d.record.metadata.unitName))];
  return { name, payload, source: units.join('; '), identifier: row.id, description: `${docs.length} tài liệu được chọn` };
}

const bagOf = (c: BagContents, at: Date): WrittenBag =>
  writeBag(c.name, c.payload, { sourceOrganization: c.source, externalIdentifier: c.identifier, externalDescription: c.description, baggingDate: at });

/** One record's bag, streamed straight to whoever asked (GET /records/:id/bag). */
export async function recordBag(db: Queryable, store: ObjectStore, recordId: string): Promise<WrittenBag & { name: string }> {
  const [doc] = await documentDescriptions(db, [recordId]);
  if (!doc) throw new AppError('not-found', 'record not found', 404);
  const payload = await payloadOf(db, store, [recordId], { kind: 'documents', value: [doc.description] });
  const name = `sohoa-record-${recordId}`;
  return { name, ...bagOf({ name, payload, source: doc.record.metadata.unitName, identifier: doc.description.DocCode ?? recordId, description: doc.description.Subject }, new Date()) };
}

/** Registers the export and its job in one transaction, with the audit row saying who asked for what. */
export async function requestExport(deps: ExportDeps, e: { kind: repo.ExportKind; subject: repo.ExportSubject; unitIds: string[]; actor: string }): Promise<string> {
  return withTransaction(deps.db, async (tx) => {
    const id = await repo.insertExport(tx, { kind: e.kind, subject: e.subject, unitIds: e.unitIds, requestedBy: e.actor });
    await recordAudit(tx, { actor: e.actor, action: 'export.requested', subjectType: 'export', subjectId: id, detail: { kind: e.kind, subject: e.subject } });
    await deps.queue.send('export.bag', { exportId: id }, { tx });
    return id;
  });
}

export const exportObjectKey = (id: string) => objectKey('exports', `${id}.zip`);

/**
 * export.bag: the bag streams from the record objects through the zip writer into the object store, never whole in
 * memory or on disk. A rerun writes the same key again.
 */
export function exportBagJob(deps: Omit<ExportDeps, 'queue'>): JobHandler<'export.bag'> {
  return {
    async run({ exportId }) {
      const row = await repo.loadExport(deps.db, exportId);
      if (!row) return { status: 'skipped', reason: 'export not found' };
      if (row.status === 'done') return { status: 'skipped', reason: 'export already built' };
      await repo.markRunning(deps.db, exportId);
      const contents = await contentsOf(deps.db, deps.store, row);
      const bag = bagOf(contents, new Date());
      const key = exportObjectKey(exportId);
      // The upload does not see its source fail (a payload that is not what the archive holds): race the two.
      const broken = new Promise<never>((_, reject) => bag.stream.on('error', reject));
      const upload = deps.store.putStream(key, bag.stream, bag.size, { contentType: 'application/zip', metadata: { 'export-id': exportId } });
      upload.catch(() => {}); // when the bag broke first, the upload's own failure says nothing more
      await Promise.race([upload, broken]);
      await withTransaction(deps.db, async (tx) => {
        await repo.markDone(tx, exportId, { objectKey: key, size: bag.size, payloadFiles: contents.payload.length });
        await recordAudit(tx, { actor: 'system', action: 'export.built', subjectType: 'export', subjectId: exportId, detail: { objectKey: key, size: bag.size, payloadFiles: contents.payload.length } });
      });
      return { status: 'done' };
    },
    async giveUp({ exportId }, error) {
      await repo.markFailed(deps.db, exportId, error);
    },
  };
}

export { loadExport } from './export.repository.ts';
