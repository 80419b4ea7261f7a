/**
 * A unit tree with something of every kind in each unit, made through the code that makes them in production
 * (receiveBatch, the split job that quarantines, the repositories), without OCR: a batch, a quarantined file, a
 * dossier with documents and pages, a record with its PDF, a signing certificate.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { PDFDocument } from 'pdf-lib';
import { batchRepository, documentRepository, unitRepository, type Db, type ObjectStore, type Queue, type UnitNode } from '@sohoa/shared';
import { receiveBatch, splitFileJob } from '@sohoa/ingest';
import { registerUnitCertificate } from '@sohoa/signer/jobs';
import { insertRecord } from '../../services/archive-api/src/archive.repository.ts';
import { recordRetention } from '../../services/archive-api/src/retention.ts';

export interface FixtureDeps { db: Db; store: ObjectStore; queue: Queue; pkiDir: string }

/** What a unit holds, by id, for the requests of the authorization matrix. */
export interface UnitFixture {
  id: string; code: string;
  batchId: string; dossierId: string; dossierCode: string; fileId: string;
  quarantinedId: string;
  /** A document the clerk edits (confirm, reorder, rotate): edits that can be repeated. */
  editDocId: string; editPageIds: string[];
  /** A document left in review, for the review list. */
  reviewDocId: string;
  recordId: string;
  certificateId: string;
}

export interface FixtureMaker {
  unit(code: string, name: string, parentId: string | null): Promise<UnitFixture>;
  /** Two new documents of the unit's dossier (2 pages + 1 page), for a merge or a split that cannot be repeated. */
  freshPair(f: UnitFixture): Promise<{ first: string; second: string }>;
  /** The tree so far, for expanding a role's reach. */
  tree: UnitNode[];
  p12: { p12Path: string; passwordFile: string };
}

export async function fixtureMaker(deps: FixtureDeps): Promise<FixtureMaker> {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sohoa-units-'));
  const tree: UnitNode[] = [];
  const image = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#ffffff' } }).jpeg().toBuffer();
  const imageKey = `test-fixtures/page-${randomUUID()}.jpg`;
  await deps.store.put(imageKey, image, { contentType: 'image/jpeg' });
  const demoP12 = (await fs.readdir(deps.pkiDir)).find((n) => n.endsWith('.p12'))!;
  const p12 = { p12Path: path.join(deps.pkiDir, demoP12), passwordFile: path.join(deps.pkiDir, demoP12.replace(/\.p12$/, '.password')) };
  let pageIndex = 1;

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

  return {
    tree,
    p12,
    async unit(code, name, parentId) {
      const id = await unitRepository.createUnit(deps.db, { code, name });
      tree.push({ id, parentId });

      // A batch whose one file is no scan: the real split job quarantines it.
      const garbage = path.join(tmp, `${code}.bin`);
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
      await splitFileJob({ ...deps, maxPagePixels: 1e8 }).run({ fileId: file.id });
      const { rows: [quarantined] } = await deps.db.query<{ id: string }>('SELECT id FROM quarantined_files WHERE file_id = $1', [file.id]);

      const where = { fileId: file.id, batchId, dossierId: file.dossier_id };
      const editPageIds = await pages(where, 2);
      const editDocId = await document(where, editPageIds);
      const reviewDocId = await document(where, await pages(where, 1));
      const recordDocId = await document(where, await pages(where, 1));

      const pdfDoc = await PDFDocument.create();
      pdfDoc.addPage([200, 100]);
      const pdf = Buffer.from(await pdfDoc.save());
      const recordId = randomUUID();
      const objectKey = `test-fixtures/records/${recordId}.pdf`;
      await deps.store.put(objectKey, pdf, { contentType: 'application/pdf' });
      await insertRecord(deps.db, {
        id: recordId, documentId: recordDocId, dossierId: file.dossier_id, unitId: id, bucket: 'sohoa', objectKey,
        sha256: createHash('sha256').update(pdf).digest('hex'), size: pdf.length, pageCount: 1,
        metadata: { dossierCode, unitCode: code, ownerIdentifier: '079123456789' }, text: '', retention: recordRetention({ hasComponent: false, retentionYears: null, fileClosedAt: null, archivedAt: new Date() }), objectVersionId: null, ownerIdentifier: '079123456789',
      });

      const certificateId = await registerUnitCertificate(deps.db, { unitId: id, role: 'officer', p12Path: p12.p12Path, passwordPath: p12.passwordFile, actor: 'test:fixtures' });
      return {
        id, code, batchId, dossierId: file.dossier_id, dossierCode, fileId: file.id, quarantinedId: quarantined.id,
        editDocId, editPageIds, reviewDocId, recordId, certificateId,
      };
    },
    async freshPair(f) {
      const where = { fileId: f.fileId, batchId: f.batchId, dossierId: f.dossierId };
      return { first: await document(where, await pages(where, 2)), second: await document(where, await pages(where, 1)) };
    },
  };
}
