/**
 * Archived records over HTTP:
 *   GET /records/:id          the record: object key, fixity, retention, metadata
 *   GET /records/:id/pdf      its signed PDF, with the SHA-256 in a Digest header
 *   GET /records/:id/verify   every signature of the record checked, problems in words (with signing configured)
 * records:read, within the caller's units; the metadata (owner, fields) and the PDF are personal data: each read
 * is in the audit trail.
 *   DELETE /records/:id       always refused (409, with the reason): retained, held, or due and then only the
 *                             disposition job deletes it, after the archive lead's approval; even admin
 */
import path from 'node:path';
import type { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import express, { type Request, type Response } from 'express';
import { AppError, isUuid, recordAudit, type Db, type ObjectStore } from '@sohoa/shared';
import { guardedRecordFacts, loadRecord, objectChangeRefusal, vietnamDate } from '@sohoa/archive-api';
import { formatReport, verifyPdf } from '@sohoa/signer';
import { loadTrustMaterial, type SigningSettings } from '@sohoa/signer/jobs';
import { actingFor, auditRead } from './acting.ts';
import { fromStore } from './errors.ts';

export interface RecordRoutesDeps {
  db: Db; store: ObjectStore;
  /** Trust anchors and revocation settings for /verify; without them the route is not there. */
  signing?: SigningSettings & { pkiDir: string };
}

/** Mounted under /api/v1 behind the token check. */
export function recordRoutes(deps: RecordRoutesDeps): express.Router {
  const r = express.Router();

  async function recordOr404(req: Request<{ id: string }>, res: Response) {
    const by = actingFor(req, res, 'records:read');
    const found = isUuid(req.params.id) ? await loadRecord(deps.db, req.params.id, by.units) : null;
    if (!found) throw new AppError('not-found', 'record not found', 404);
    const { unitId, ...record } = found;
    return { by, unitId: unitId as string, record };
  }

  /** The signed PDF: 410 once disposition destroyed it (the tombstone speaks for it), 404 if the store lost it. */
  function signedPdf(record: { id: string; objectKey: string; disposedAt: Date | string | null }): Promise<Buffer> {
    return signedPdfStream(record).then((stream) => buffer(stream));
  }
  /** Resolves once the store has answered with the object (its bytes still to come); refuses as signedPdf does. */
  function signedPdfStream(record: { id: string; objectKey: string; disposedAt: Date | string | null }): Promise<Readable> {
    if (record.disposedAt) {
      throw new AppError('record-disposed', `record ${record.id} was disposed of: its PDF is destroyed, its tombstone (records/${record.id}/tombstone) says what it was`, 410);
    }
    return fromStore(`the signed PDF of record ${record.id}`, () => deps.store.getStream(record.objectKey));
  }

  r.get('/records/:id', async (req, res) => {
    const { by, unitId, record } = await recordOr404(req, res);
    await auditRead(deps.db, by, { action: 'record.read', subjectType: 'record', subjectId: record.id, unitId });
    res.json(record);
  });

  r.get('/records/:id/pdf', async (req, res) => {
    const { by, unitId, record } = await recordOr404(req, res);
    // Only a PDF the store has is audited as read: the audit row waits for the store's answer (a lost object is a
    // 404 and no read), then it is written while the bytes arrive; both are done before the answer leaves.
    const stream = await signedPdfStream(record);
    const [pdf] = await Promise.all([
      buffer(stream),
      auditRead(deps.db, by, { action: 'record.content-read', subjectType: 'record', subjectId: record.id, unitId }).catch((err: unknown) => {
        stream.destroy();
        throw err;
      }),
    ]);
    res.type('application/pdf').set('Content-Disposition', `inline; filename="${record.id}.pdf"`).set('Digest', `sha-256=${Buffer.from(record.sha256, 'hex').toString('base64')}`).send(pdf);
  });

  r.delete('/records/:id', async (req, res) => {
    const { by, unitId, record } = await recordOr404(req, res);
    const refusal = objectChangeRefusal(await guardedRecordFacts(deps.db, { id: record.id }), 'delete', vietnamDate(new Date())) ?? {
      code: 'disposition-required' as const,
      message: `record ${record.id} is approved for disposition: the disposition job deletes it, no one else`,
    };
    await recordAudit(deps.db, { actor: by.actor, purpose: by.purpose, unitId, action: 'record.delete-refused', subjectType: 'record', subjectId: record.id, detail: { ...refusal } });
    throw new AppError(refusal.code, refusal.message, 409);
  });

  const signing = deps.signing;
  if (signing) {
    r.get('/records/:id/verify', async (req, res) => {
      const { record } = await recordOr404(req, res); // checks the bytes, shows none of them: not an audited read
      const { trustAnchorsPem, crls } = await loadTrustMaterial({ trustAnchorsDir: signing.trustAnchorsDir, extraAnchorFiles: [path.join(signing.pkiDir, 'ca.pem')] });
      const report = await verifyPdf(await signedPdf(record), {
        trustAnchorsPem,
        revocation: { crls, online: signing.fetchRevocation, ocspUrl: signing.ocspUrl, fetchTimeoutMs: signing.outbound?.timeoutMs ?? 5000, outbound: signing.outbound },
        revocationSoftFail: signing.revocationSoftFail === true,
      });
      res.json({ recordId: record.id, ...report, text: formatReport(report) });
    });
  }

  return r;
}
