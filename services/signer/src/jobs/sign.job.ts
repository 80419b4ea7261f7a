import { documentRepository, metrics, withTransaction, type Db, type JobHandler, type Logger, type ObjectStore, type Queryable, type Queue } from '@sohoa/shared';
import { signAs, SignerError, type KeyTransports, type SignaturePlacement, type SigningKey } from '../index.ts';
import { unlockCertificate } from './certificate-registry.service.ts';
import { activeCertificate, type UnitCertificateRow } from './unit-certificate.repository.ts';
import { sealOf, signingRefusal } from './unit-signature.ts';

export interface SignJobDeps {
  db: Db;
  store: ObjectStore;
  queue: Queue;
  /** RFC 3161 time-stamp authority: B-T when set; a TSA that does not answer makes the job retry. */
  tsaUrl?: string;
  /** Where a visible box had to leave its corner or cover ink, the job says so here (the record is signed all the same). */
  log?: Pick<Logger, 'warn'>;
  /** Opens a certificate's key wherever it lives (a .p12 on this machine, or sealed in the row under SIGNING_KEY_ENCRYPTION_KEY). */
  keys: KeyTransports;
}

interface DocumentToSign { id: string; status: string; pdf_key: string; unit_id: string; unit_name: string; dossier_code: string }

async function documentToSign(db: Queryable, id: string): Promise<DocumentToSign | null> {
  const { rows } = await db.query<DocumentToSign>(
    `SELECT doc.id, doc.status, doc.pdf_key, u.id AS unit_id, u.name AS unit_name, d.code AS dossier_code
     FROM documents doc JOIN dossiers d ON d.id = doc.dossier_id JOIN units u ON u.id = d.unit_id WHERE doc.id = $1`,
    [id],
  );
  return rows[0] ?? null;
}

/** Failures no retry can fix: the document is marked failed with the reason. A TSA that did not answer is not one of them. */
const EXPECTED: ReadonlySet<string> = new Set([
  'wrong-password', 'bad-pkcs12', 'unsupported-key', 'expired', 'not-yet-valid', 'key-usage', 'untrusted-chain',
  'bad-pdf', 'encrypted-pdf', 'signature-too-large', 'revoked', 'missing-password',
]);

/**
 * document.sign: where the unit has an officer certificate, the officer's
 * signature (top left) first; then the unit's organization signature with its
 * seal (top right), appended as an incremental update so the first stays valid.
 */
export function signDocumentJob(deps: SignJobDeps): JobHandler<'document.sign'> {
  // Unlocking a PKCS#12 costs a key derivation: keep the unlocked key per certificate row.
  const identities = new Map<string, Promise<SigningKey>>();
  const identityFor = (cert: UnitCertificateRow) => {
    let identity = identities.get(cert.id);
    if (!identity) {
      identity = unlockCertificate(cert, deps.keys);
      identity.catch(() => identities.delete(cert.id));
      identities.set(cert.id, identity);
    }
    return identity;
  };
  const timestampAuthority = deps.tsaUrl ? { url: deps.tsaUrl } : undefined;

  return {
    async run({ documentId }) {
      const doc = await documentToSign(deps.db, documentId);
      if (!doc) return { status: 'skipped', reason: 'document not found' };
      if (doc.status === 'signed') await deps.queue.send('record.archive', { documentId });
      if (doc.status !== 'built') return { status: 'skipped', reason: `document already ${doc.status}` };
      const fail = async (reason: string) => {
        metrics.signingFailures.inc({ outcome: 'refused' });
        await documentRepository.markFailed(deps.db, documentId, 'built', reason);
        return { status: 'failed' as const, reason };
      };

      const now = new Date();
      const unitCert = await activeCertificate(deps.db, doc.unit_id, 'unit');
      if (!unitCert) return fail(`${doc.unit_name} has no signing certificate`);
      const officerCert = await activeCertificate(deps.db, doc.unit_id, 'officer');
      for (const cert of [officerCert, unitCert]) {
        const why = cert && signingRefusal(cert, now);
        if (why) return fail(why);
      }

      const reason = `Số hóa hồ sơ ${doc.dossier_code}`;
      const onPlacement = (role: 'officer' | 'unit') => (placement: SignaturePlacement) => {
        if (placement.warning) deps.log?.warn({ documentId, role, fit: placement.fit, scale: placement.scale, inkCells: placement.inkCells }, placement.warning);
      };
      let signed: Uint8Array;
      try {
        let pdf: Uint8Array = await deps.store.get(doc.pdf_key);
        if (officerCert) {
          pdf = await signAs(pdf, await identityFor(officerCert), {
            role: 'officer', name: officerCert.holder_name ?? undefined, reason, location: doc.unit_name, signingTime: now, timestampAuthority,
            onPlacement: onPlacement('officer'),
          });
        }
        signed = await signAs(pdf, await identityFor(unitCert), {
          role: 'unit', name: doc.unit_name, sealImage: await sealOf(unitCert), reason, location: doc.unit_name, signingTime: new Date(), timestampAuthority,
          onPlacement: onPlacement('unit'),
        });
      } catch (error) {
        if (error instanceof SignerError && EXPECTED.has(error.code)) return fail(error.message);
        metrics.signingFailures.inc({ outcome: 'retry' });
        throw error; // the queue retries: a TSA or the object store that did not answer
      }
      const signedKey = doc.pdf_key.replace(/unsigned\.pdf$/, 'signed.pdf');
      await deps.store.put(signedKey, signed, { contentType: 'application/pdf' });
      await withTransaction(deps.db, async (tx) => {
        if (await documentRepository.markSigned(tx, documentId, signedKey)) await deps.queue.send('record.archive', { documentId }, { tx });
      });
      return { status: 'done' };
    },
    async giveUp({ documentId }, error) {
      metrics.signingFailures.inc({ outcome: 'given-up' });
      await documentRepository.markFailed(deps.db, documentId, 'built', `signing failed: ${error}`);
    },
  };
}
