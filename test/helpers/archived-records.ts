/**
 * Records made the way the pipeline makes them, without OCR: a signed PDF is put where document.sign leaves it and
 * the real record.archive job archives it (SHA-256, metadata, record row, audit). For fixity and long-term tests.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { batchRepository, documentRepository, dossierRepository, objectKey, type Db, type ObjectStore } from '@sohoa/shared';
import { archiveRecordJob } from '@sohoa/archive-api';
import { loadPkcs12, signPdf, type SigningKey } from '@sohoa/signer';

/** A PDF of about `noiseBytes` (random, so incompressible: a scanned page's weight) with a line of text. */
export async function scannedLikePdf(label: string, noiseBytes: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage([595, 842]).drawText(`Ho so ${label}`, { x: 50, y: 780, size: 14, font });
  if (noiseBytes > 0) await doc.attach(randomBytes(noiseBytes), 'scan.bin', { mimeType: 'application/octet-stream' });
  return doc.save({ useObjectStreams: false });
}

/** The demo unit's development certificate that the first start made in `<dataDir>/pki`. */
export async function demoUnitKey(dataDir: string): Promise<SigningKey> {
  const pki = path.join(dataDir, 'pki');
  return loadPkcs12(await fs.readFile(path.join(pki, '000.00.00.H00.p12')), (await fs.readFile(path.join(pki, '000.00.00.H00.password'), 'utf8')).trim());
}

let dossierNumber = 0;

/** Archives each PDF as one record of a new dossier of the demo unit; returns the record ids in order. */
export async function archivePdfs(deps: { db: Db; store: ObjectStore }, pdfs: Uint8Array[], unitCode = '000.00.00.H00'): Promise<string[]> {
  const archive = archiveRecordJob(deps);
  const ids: string[] = [];
  for (const pdf of pdfs) {
    const { documentId } = await signedDocument(deps, pdf, unitCode);
    const outcome = await archive.run({ documentId });
    if (outcome.status !== 'done') throw new Error(`archiving failed: ${JSON.stringify(outcome)}`);
    const { rows: [record] } = await deps.db.query<{ id: string }>('SELECT id FROM records WHERE document_id = $1', [documentId]);
    ids.push(record!.id);
  }
  return ids;
}

/**
 * A batch of a new dossier of the unit, cut into one document that is signed and waits for record.archive: the PDF
 * is where document.sign leaves it. The batch's one file is split, without pages.
 */
export async function signedDocument(deps: { db: Db; store: ObjectStore }, pdf: Uint8Array, unitCode = '000.00.00.H00'): Promise<{ batchId: string; documentId: string }> {
  const { rows: [unit] } = await deps.db.query<{ id: string }>('SELECT id FROM units WHERE code = $1', [unitCode]);
  const { rows: [version] } = await deps.db.query<{ id: number }>('SELECT max(id) AS id FROM catalog_versions');
  dossierNumber += 1;
  // A valid dossier code: agency code, a November 2026 day, a running number (9999 a day).
  const day = String(1 + Math.floor((dossierNumber - 1) / 9999)).padStart(2, '0');
  const code = `${unitCode}-2611${day}-${String(((dossierNumber - 1) % 9999) + 1).padStart(4, '0')}`;
  const dossierId = await dossierRepository.insertDossier(deps.db, { code, codeSource: 'given', unitId: unit!.id, procedureCode: 'KS', catalogVersionId: version!.id, receivedAt: new Date() });
  const batchId = randomUUID();
  await batchRepository.insertBatch(deps.db, { id: batchId, unitId: unit!.id, dossierId, componentCode: null, source: 'upload', createdBy: 'test' });
  const fileId = randomUUID();
  await batchRepository.insertFile(deps.db, { id: fileId, batchId, position: 0, name: 'scan.pdf', size: pdf.length, sha256: createHash('sha256').update(pdf).digest('hex'), objectKey: objectKey('work', 'batches', batchId, 'scan.pdf') });
  await batchRepository.markFile(deps.db, fileId, 'split', { pageCount: 0 });
  const documentId = randomUUID();
  await documentRepository.createFromSplit(deps.db, {
    id: documentId, batchId, dossierId, position: 0, kind: 'document', pageIds: [], blankPageIds: [], procedureCode: 'KS', componentCode: null,
    title: 'Tài liệu thử', confidence: 1, runnerUp: null, explanation: [], fields: {}, needsReview: false, confirmedBy: 'test',
  });
  await batchRepository.claimSplit(deps.db, batchId);
  const signedKey = objectKey('work', 'signed', `${documentId}.pdf`);
  await deps.store.put(signedKey, pdf, { contentType: 'application/pdf' });
  await documentRepository.markBuilt(deps.db, documentId, 0, objectKey('work', 'built', `${documentId}.pdf`));
  await documentRepository.markSigned(deps.db, documentId, signedKey);
  return { batchId, documentId };
}

/** Signed PDFs of about `noiseBytes` each, signed by `key`. */
export async function signedPdfs(key: SigningKey, count: number, noiseBytes: number): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) out.push(await signPdf(await scannedLikePdf(`so ${i + 1}`, noiseBytes), key));
  return out;
}

/** Where the embedded S3 endpoint keeps an object's bytes. */
export const s3ObjectFile = (dataDir: string, bucket: string, key: string) => path.join(dataDir, 's3', bucket, `${key}._S3rver_object`);
