import fs from 'node:fs/promises';
import type { Db, JobHandler, ObjectStore, Queryable, Queue } from '@sohoa/shared';
import { loadPkcs12, signPdf, type SigningIdentity } from '../index.ts';
import { activeCertificate } from './unit-certificate.repository.ts';

export interface SignJobDeps { db: Db; store: ObjectStore; queue: Queue }

interface DocumentToSign { id: string; status: string; pdf_key: string; unit_id: string; unit_name: string; dossier_code: string }

async function documentToSign(db: Queryable, id: string): Promise<DocumentToSign | null> {
  const { rows } = await db.query<DocumentToSign>(
    `SELECT doc.id, doc.status, doc.pdf_key, u.id AS unit_id, u.name AS unit_name, d.code AS dossier_code
     FROM documents doc JOIN dossiers d ON d.id = doc.dossier_id JOIN units u ON u.id = d.unit_id WHERE doc.id = $1`,
    [id],
  );
  return rows[0] ?? null;
}

/** document.sign: the unit's organization signature over the searchable PDF. */
export function signDocumentJob(deps: SignJobDeps): JobHandler<'document.sign'> {
  // Unlocking a PKCS#12 costs a key derivation: keep the unlocked identity per certificate row.
  const identities = new Map<string, Promise<SigningIdentity>>();
  const identityFor = (cert: { id: string; p12_path: string; password_path: string }) => {
    let identity = identities.get(cert.id);
    if (!identity) {
      identity = (async () => loadPkcs12(await fs.readFile(cert.p12_path), (await fs.readFile(cert.password_path, 'utf8')).trim()))();
      identity.catch(() => identities.delete(cert.id));
      identities.set(cert.id, identity);
    }
    return identity;
  };

  return {
    async run({ documentId }) {
      const doc = await documentToSign(deps.db, documentId);
      if (!doc) return { status: 'skipped', reason: 'document not found' };
      if (doc.status === 'signed') await deps.queue.send('record.archive', { documentId });
      if (doc.status !== 'built') return { status: 'skipped', reason: `document already ${doc.status}` };

      const cert = await activeCertificate(deps.db, doc.unit_id);
      if (!cert) {
        const reason = `${doc.unit_name} has no signing certificate`;
        await markDocument(deps.db, documentId, 'failed', { error: reason });
        return { status: 'failed', reason };
      }
      if (cert.not_after.getTime() < Date.now()) {
        const reason = `the signing certificate of ${doc.unit_name} expired on ${cert.not_after.toISOString().slice(0, 10)}`;
        await markDocument(deps.db, documentId, 'failed', { error: reason });
        return { status: 'failed', reason };
      }
      const signed = await signPdf(await deps.store.get(doc.pdf_key), await identityFor(cert), {
        signingTime: new Date(),
        reason: `Số hóa hồ sơ ${doc.dossier_code}`,
        location: doc.unit_name,
        signerName: doc.unit_name,
      });
      const signedKey = doc.pdf_key.replace(/unsigned\.pdf$/, 'signed.pdf');
      await deps.store.put(signedKey, signed, { contentType: 'application/pdf' });
      await markDocument(deps.db, documentId, 'signed', { signedKey });
      await deps.queue.send('record.archive', { documentId });
      return { status: 'done' };
    },
    async giveUp({ documentId }, error) {
      await markDocument(deps.db, documentId, 'failed', { error: `signing failed: ${error}` });
    },
  };
}

async function markDocument(db: Queryable, id: string, status: 'signed' | 'failed', d: { signedKey?: string; error?: string }) {
  await db.query(`UPDATE documents SET status = $2, signed_key = coalesce($3, signed_key), error = $4 WHERE id = $1 AND status = 'built'`, [
    id, status, d.signedKey ?? null, d.error ?? null,
  ]);
}
