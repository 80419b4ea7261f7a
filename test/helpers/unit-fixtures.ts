/**
 * A unit tree with something of every kind in each unit, made through the code that makes them in production
 * (the accounts service for units, people and keys; receiveBatch and the split job that quarantines; the
 * repositories and services of the archive; the export and disposition jobs), without OCR: a batch, a quarantined
 * file, a dossier with documents and pages, a record with its PDF, its archival file, a signing certificate, a
 * person and an API key of the unit, a built export, a fixity run, and a disposition list carried out (a tombstone).
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { PDFDocument } from 'pdf-lib';
import { batchRepository, documentRepository, unitRepository, withTransaction, type Caller, type Db, type ObjectStore, type Queue } from '@sohoa/shared';
import { receiveBatch, splitFileJob } from '@sohoa/ingest';
import { createKeyTransports, loadPkcs12, signPdf, type SigningKey } from '@sohoa/signer';
import { registerUnitCertificate } from '@sohoa/signer/jobs';
import { disposition, dispositionExecuteJob, exportBagJob, fileDossier, fixity, legalHolds, recordRetention, requestExport } from '@sohoa/archive-api';
import { insertRecord } from '../../services/archive-api/src/archive.repository.ts';
import { apiKeys, operatorCaller, people, units } from '../../src/accounts/index.ts';

export interface FixtureDeps { db: Db; store: ObjectStore; queue: Queue; pkiDir: string }

/** What a unit holds, by id, for the requests of the authorization matrix. */
export interface UnitFixture {
  id: string; code: string; name: string;
  batchId: string; dossierId: string; dossierCode: string; fileId: string;
  quarantinedId: string;
  /** A document the clerk edits (confirm, reorder, rotate): edits that can be repeated. */
  editDocId: string; editPageIds: string[];
  /** A document left in review, for the review list. */
  reviewDocId: string;
  /** A record of the dossier, whose dossier is closed into `archivalFileId`. */
  recordId: string; archivalFileId: string;
  certificateId: string;
  /** A person of the unit (a clerk) and an API key it owns: what its unit-admins manage. */
  personId: string; keyId: string;
  /** A fonds export, built; a fixity run over the unit. */
  exportId: string; fixityRunId: string;
  /** A disposition list carried out: the record it disposed of has a tombstone (null: made without, see `unit`). */
  dispositionListId: string | null; disposedRecordId: string | null;
  /** A dossier of records whose retention ended long ago, for disposition (nothing else holds it). */
  dueDossierId: string; dueDossierCode: string; dueBatchId: string;
}

export interface FixtureMaker {
  /**
   * A unit below `parentCode` (or a root), added by the accounts service as an operator would, and filled;
   * `dispose: false` skips the disposition carried out (its signed minute is the slowest part).
   */
  unit(code: string, name: string, parentCode: string | null, o?: { dispose?: boolean }): Promise<UnitFixture>;
  /** Two new documents of the unit's dossier (2 pages + 1 page), for a merge or a split that cannot be repeated. */
  freshPair(f: UnitFixture): Promise<{ first: string; second: string }>;
  /** A new record of the unit that is due for disposition (retention ended in 2020, file closed, not held). */
  freshDueRecord(f: UnitFixture): Promise<string>;
  /** A new disposition list of one due record, proposed by the operator (so any archive lead may decide it). */
  freshList(f: UnitFixture): Promise<string>;
  /**
   * A record of the unit another system may reuse: the fixtures' owner's birth notice (KS-GCS), signed with the
   * demo unit's certificate, in a dossier of its own (so that the unit's dossier may take it in place of a paper).
   */
  reusableRecord(f: UnitFixture): Promise<string>;
  /** Holds placed by the operator, for a request that lifts one. */
  holdRecord(f: UnitFixture): Promise<string>;
  holdDossier(f: UnitFixture): Promise<string>;
  holdSet(f: UnitFixture): Promise<string>;
  p12: { p12Path: string; passwordFile: string };
  /** The operator at the server's shell (every permission), as the CLI acts. */
  operator: Caller;
}

export async function fixtureMaker(deps: FixtureDeps): Promise<FixtureMaker> {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sohoa-units-'));
  const image = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#ffffff' } }).jpeg().toBuffer();
  const imageKey = `test-fixtures/page-${randomUUID()}.jpg`;
  await deps.store.put(imageKey, image, { contentType: 'image/jpeg' });
  const demoP12 = (await fs.readdir(deps.pkiDir)).find((n) => n.endsWith('.p12'))!;
  const p12 = { p12Path: path.join(deps.pkiDir, demoP12), passwordFile: path.join(deps.pkiDir, demoP12.replace(/\.p12$/, '.password')) };
  const operator = operatorCaller();
  // The archive lead of the fixtures' own lists: someone other than the operator who proposed them.
  const fixtureLead: Caller = { ...operator, id: 'fixture-lead', name: 'cli:fixture-lead' };
  const hold = { reason: 'authorization matrix', reference: 'test' };
  let pageIndex = 1;
  let signer: Promise<SigningKey> | undefined;

  async function pages(f: { fileId: string; batchId: string }, n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const { id } = await batchRepository.upsertPage(deps.db, { fileId: f.fileId, batchId: f.batchId, pageIndex: pageIndex++, sourceKey: imageKey, dpi: 300 });
      await batchRepository.pageRecognized(deps.db, id, {
        blank: false, rotation: 0, skewDegrees: 0, confidence: 95, lowConfidence: false, width: 40, height: 20, dpi: 300,
        imageKey, text: 'TỜ KHAI ĐĂNG KÝ KHAI SINH', words: [], codes: [],
      });
      ids.push(id);
    }
    return ids;
  }

  async function document(f: { batchId: string; dossierId: string }, pageIds: string[]): Promise<string> {
    const id = randomUUID();
    await documentRepository.createFromSplit(deps.db, {
      id, batchId: f.batchId, dossierId: f.dossierId, position: pageIndex, kind: 'document', pageIds, blankPageIds: [],
      procedureCode: 'KS', componentCode: null, title: null, confidence: 0.2, runnerUp: null, explanation: [],
      fields: { ownerIdentifier: '079123456789' }, needsReview: true, confirmedBy: null,
    });
    return id;
  }

  /** A record of a document, its PDF stored; retention as given (default: as archived today, file open). */
  async function record(
    unit: { id: string; code: string; name: string }, where: { batchId: string; dossierId: string; dossierCode: string },
    retention = recordRetention({ hasComponent: false, retentionYears: null, fileClosedAt: null, archivedAt: new Date() }),
    reusable: { componentCode: string; componentName: string; signer: SigningKey } | null = null,
  ): Promise<string> {
    const documentId = await document(where, []);
    const pdfDoc = await PDFDocument.create();
    pdfDoc.addPage([200, 100]);
    const pdf = Buffer.from(reusable ? await signPdf(await pdfDoc.save(), reusable.signer) : await pdfDoc.save());
    const recordId = randomUUID();
    const objectKey = `test-fixtures/records/${recordId}.pdf`;
    const sha256 = createHash('sha256').update(pdf).digest('hex');
    await deps.store.put(objectKey, pdf, { contentType: 'application/pdf' });
    await insertRecord(deps.db, {
      id: recordId, documentId, dossierId: where.dossierId, unitId: unit.id, bucket: 'sohoa', objectKey,
      sha256, size: pdf.length, pageCount: 1,
      // The metadata record.archive writes (record-metadata.ts), for a birth registration form.
      metadata: {
        recordId, dossierCode: where.dossierCode, procedureCode: 'KS', procedureName: 'Đăng ký khai sinh', componentCode: reusable?.componentCode ?? null, componentName: reusable?.componentName ?? null,
        unitCode: unit.code, unitName: unit.name, ownerIdentifier: '079123456789', title: 'Tờ khai đăng ký khai sinh', documentNumber: null,
        fields: { ownerIdentifier: '079123456789' }, pageCount: 1, blankPagesDropped: 0, language: 'vi', digitizedBy: 'test:fixtures', digitizedAt: new Date().toISOString(),
        sha256, retention: retention.retention, retainUntil: retention.retainUntil, legalHold: false,
      },
      text: '', retention, objectVersionId: null, ownerIdentifier: '079123456789',
    });
    return recordId;
  }

  /** A batch of one file that is no scan (receiveBatch, as an upload makes it), with its dossier. */
  async function batch(code: string): Promise<{ batchId: string; dossierId: string; dossierCode: string; fileId: string }> {
    const garbage = path.join(tmp, `${code}-${randomUUID()}.bin`);
    await fs.writeFile(garbage, `no scan of ${code}`);
    const bytes = await fs.readFile(garbage);
    const { batchId, dossierCode } = await receiveBatch(deps, {
      unitCode: code, procedureCode: 'KS', source: 'upload', actor: 'test:fixtures',
      files: [{ name: 'torn.bin', path: garbage, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }],
    });
    const { rows: [file] } = await deps.db.query<{ id: string; dossier_id: string }>(
      'SELECT f.id, b.dossier_id FROM batch_files f JOIN batches b ON b.id = f.batch_id WHERE f.batch_id = $1',
      [batchId],
    );
    return { batchId, dossierId: file.dossier_id, dossierCode, fileId: file.id };
  }

  // Kept two years from a file closed in 2018: retention ended on 31 Dec 2020.
  const ended = () => recordRetention({ hasComponent: true, retentionYears: 2, fileClosedAt: new Date('2018-06-01T00:00:00Z'), archivedAt: new Date('2018-05-01T00:00:00Z') });
  const unitOf = (f: UnitFixture) => ({ id: f.id, code: f.code, name: f.name });

  async function freshDueRecord(f: UnitFixture): Promise<string> {
    const id = await record(unitOf(f), { batchId: f.dueBatchId, dossierId: f.dueDossierId, dossierCode: f.dueDossierCode }, ended());
    await disposition.scanDue(deps.db);
    return id;
  }
  async function freshList(f: UnitFixture): Promise<string> {
    return (await disposition.propose(deps, operator, { records: [await freshDueRecord(f)], note: 'authorization matrix' })).id;
  }

  return {
    p12,
    operator,
    freshDueRecord,
    freshList,
    async unit(code, name, parentCode, o = {}) {
      await units.addUnit(deps.db, operator, { code, name, parent: parentCode });
      const id = (await unitRepository.unitByCode(deps.db, code))!.id;

      // A batch whose one file is no scan: the real split job quarantines it.
      const main = await batch(code);
      await splitFileJob({ ...deps, maxPagePixels: 1e8 }).run({ fileId: main.fileId });
      const { rows: [quarantined] } = await deps.db.query<{ id: string }>('SELECT id FROM quarantined_files WHERE file_id = $1', [main.fileId]);

      const editPageIds = await pages(main, 2);
      const editDocId = await document(main, editPageIds);
      const reviewDocId = await document(main, await pages(main, 1));
      const recordId = await record({ id, code, name }, main);
      const archivalFileId = await withTransaction(deps.db, (tx) => fileDossier(tx, main.dossierId, { because: 'closed', actor: 'test:fixtures', at: new Date() }));

      const certificateId = await registerUnitCertificate(deps.db, { unitId: id, role: 'officer', p12Path: p12.p12Path, passwordPath: p12.passwordFile, actor: 'test:fixtures' });
      await registerUnitCertificate(deps.db, { unitId: id, role: 'unit', p12Path: p12.p12Path, passwordPath: p12.passwordFile, actor: 'test:fixtures' }); // signs the destruction minute

      const personId = (await people.createPerson(deps.db, operator, { username: `person@${code}`, unitCode: code, roles: [{ role: 'clerk' }] })).person.id;
      const keyId = (await apiKeys.createKey(deps.db, operator, { name: `key of ${code}`, unitCodes: [code], scopes: ['records:read'] })).key.id;

      const exportId = await requestExport(deps, { kind: 'fonds', subject: { unitId: id }, unitIds: [id], actor: 'test:fixtures' });
      const built = await exportBagJob(deps).run({ exportId });
      if (built.status !== 'done') throw new Error(`the fixture export of ${code}: ${JSON.stringify(built)}`);
      const fixityRunId = (await fixity.createRun(deps.db, { trigger: 'request', requestedBy: 'test:fixtures', unitIds: [id] })).id;

      const due = await batch(code);
      const f: UnitFixture = {
        id, code, name, batchId: main.batchId, dossierId: main.dossierId, dossierCode: main.dossierCode, fileId: main.fileId, quarantinedId: quarantined.id,
        editDocId, editPageIds, reviewDocId, recordId, archivalFileId, certificateId, personId, keyId, exportId, fixityRunId,
        dispositionListId: null, disposedRecordId: null, dueDossierId: due.dossierId, dueDossierCode: due.dossierCode, dueBatchId: due.batchId,
      };
      if (o.dispose !== false) {
        const disposedRecordId = await freshDueRecord(f);
        const listId = (await disposition.propose(deps, operator, { records: [disposedRecordId], note: 'authorization matrix' })).id;
        await disposition.approve(deps, fixtureLead, listId, { reason: 'authorization matrix' });
        await dispositionExecuteJob({ db: deps.db, store: deps.store, keys: createKeyTransports({}) }).run({ listId });
        Object.assign(f, { disposedRecordId, dispositionListId: listId });
      }
      return f;
    },
    async freshPair(f) {
      const where = { fileId: f.fileId, batchId: f.batchId, dossierId: f.dossierId };
      return { first: await document(where, await pages(where, 2)), second: await document(where, await pages(where, 1)) };
    },
    async reusableRecord(f) {
      signer ??= loadPkcs12(await fs.readFile(p12.p12Path), (await fs.readFile(p12.passwordFile, 'utf8')).trim());
      return record(unitOf(f), await batch(f.code), undefined, { componentCode: 'KS-GCS', componentName: 'Giấy chứng sinh', signer: await signer });
    },
    holdRecord: async (f) => (await legalHolds.placeRecordHold(deps, operator, f.recordId, hold)).id,
    holdDossier: async (f) => (await legalHolds.placeDossierHold(deps, operator, f.dossierCode, hold)).id,
    holdSet: async (f) => (await legalHolds.placeSetHold(deps, operator, [f.recordId], hold)).id,
  };
}
