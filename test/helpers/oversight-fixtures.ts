/**
 * Dossiers for the oversight figures (the digitization rate, the queue): received at a given time, with records
 * archived by the real record.archive job for some components, documents still waiting at a stage for others, and
 * pages not yet read. Seeded through the repositories, no OCR (the stack's workers may be off). And a signing
 * certificate about to expire.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { batchRepository, documentRepository, dossierRepository, objectKey, type Db, type ObjectStore } from '@sohoa/shared';
import { archiveRecordJob } from '@sohoa/archive-api';
import { issueCertificate, toPkcs12 } from '../../services/signer/src/certificate-issuer.ts';

const DAY_MS = 86_400_000;

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

/** A real (unsigned) PDF: the fixity run reads its signatures, and a bare "%PDF" stub makes the reader throw. */
async function pdfOf(title: string): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(title);
  pdf.addPage([595, 842]);
  return Buffer.from(await pdf.save());
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
    await store.put(signedKey, await pdfOf(`${component} of ${d.code}`), { contentType: 'application/pdf' });
    await documentRepository.markSigned(db, documentId, signedKey);
    const outcome = await archiveRecordJob({ db, store }).run({ documentId });
    if (outcome.status !== 'done') throw new Error(`archiving ${component} of ${d.code}: ${JSON.stringify(outcome)}`);
    records[component] = (await db.query<{ id: string }>('SELECT id FROM records WHERE document_id = $1', [documentId])).rows[0]!.id;
  }
  return records;
}

/**
 * Gives `unit` a unit-seal certificate from the embedded stack's development CA (dataDir/pki) that expires in
 * `days` days, imported through the API as an admin would (POST /units/:code/certificates).
 */
export async function importCertificateExpiringIn(stack: { url: string; token: string; dataDir: string }, unit: string, name: string, days: number): Promise<void> {
  const pki = path.join(stack.dataDir, 'pki');
  const ca = { certificatePem: await fs.readFile(path.join(pki, 'ca.pem'), 'utf8'), privateKeyPem: await fs.readFile(path.join(pki, 'ca-key.pem'), 'utf8') };
  const now = Date.now();
  const issued = issueCertificate({
    subject: { commonName: name, organization: name, country: 'VN' }, notBefore: new Date(now - DAY_MS), notAfter: new Date(now + days * DAY_MS),
    keyUsage: ['digitalSignature', 'nonRepudiation'],
  }, ca);
  // Under the secrets folder (SECRETS_DIR, by default dataDir/pki): the only files an import may name.
  const p12Path = path.join(pki, `${unit}-expiring.p12`);
  const passwordFile = path.join(pki, `${unit}-expiring.password`);
  await fs.writeFile(p12Path, toPkcs12(issued, [ca.certificatePem], 'pw-expiring', unit));
  await fs.writeFile(passwordFile, 'pw-expiring\n', { mode: 0o600 });
  const response = await fetch(`${stack.url}/api/v1/units/${unit}/certificates`, {
    method: 'POST', headers: { authorization: `Bearer ${stack.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'unit', holderName: name, p12Path, passwordFile }),
  });
  if (response.status !== 201) throw new Error(`importing ${unit}'s certificate: ${response.status} ${await response.text()}`);
}
