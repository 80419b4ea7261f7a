/**
 * Archived records over HTTP:
 *   GET /records/:id          the record: object key, fixity, retention, metadata
 *   GET /records/:id/pdf      its signed PDF, with the SHA-256 in a Digest header
 *   GET /records/:id/verify   every signature of the record checked, problems in words (with signing configured)
 *   DELETE /records/:id       always refused (409, with the reason): retained, held, or due and then only the
 *                             disposition job deletes it, after the archive lead's approval; even admin
 */
import path from 'node:path';
import express from 'express';
import { AppError, actorOf, isUuid, recordAudit, requirePermission, type Caller, type Db, type ObjectStore } from '@sohoa/shared';
import { guardedRecordFacts, loadRecord, objectChangeRefusal, vietnamDate } from '@sohoa/archive-api';
import { formatReport, verifyPdf } from '@sohoa/signer';
import { loadTrustMaterial, type SigningSettings } from '@sohoa/signer/jobs';

export interface RecordRoutesDeps {
  db: Db; store: ObjectStore;
  /** Trust anchors and revocation settings for /verify; without them the route is not there. */
  signing?: SigningSettings & { pkiDir: string };
}

/** Mounted under /api/v1 behind the token check. */
export function recordRoutes(deps: RecordRoutesDeps): express.Router {
  const r = express.Router();

  async function recordOr404(id: string) {
    const record = isUuid(id) ? await loadRecord(deps.db, id) : null;
    if (!record) throw new AppError('not-found', 'record not found', 404);
    return record;
  }

  r.get('/records/:id', async (req, res) => {
    res.json(await recordOr404(req.params.id));
  });

  r.get('/records/:id/pdf', async (req, res) => {
    const record = await recordOr404(req.params.id);
    const pdf = await deps.store.get(record.objectKey);
    res.type('application/pdf').set('Content-Disposition', `inline; filename="${record.id}.pdf"`).set('Digest', `sha-256=${Buffer.from(record.sha256, 'hex').toString('base64')}`).send(pdf);
  });

  r.delete('/records/:id', async (req, res) => {
    const record = await recordOr404(req.params.id);
    const caller = res.locals.caller as Caller;
    requirePermission(caller, 'records:read', record.unitId, 'record not found');
    const refusal = objectChangeRefusal(await guardedRecordFacts(deps.db, { id: record.id }), 'delete', vietnamDate(new Date())) ?? {
      code: 'disposition-required' as const,
      message: `record ${record.id} is approved for disposition: the disposition job deletes it, no one else`,
    };
    await recordAudit(deps.db, { actor: actorOf(caller), action: 'record.delete-refused', subjectType: 'record', subjectId: record.id, detail: { ...refusal } });
    throw new AppError(refusal.code, refusal.message, 409);
  });

  const signing = deps.signing;
  if (signing) {
    r.get('/records/:id/verify', async (req, res) => {
      const record = await recordOr404(req.params.id);
      const { trustAnchorsPem, crls } = await loadTrustMaterial({ trustAnchorsDir: signing.trustAnchorsDir, extraAnchorFiles: [path.join(signing.pkiDir, 'ca.pem')] });
      const report = await verifyPdf(await deps.store.get(record.objectKey), {
        trustAnchorsPem,
        revocation: { crls, online: signing.fetchRevocation, ocspUrl: signing.ocspUrl, fetchTimeoutMs: 5000 },
        revocationSoftFail: signing.revocationSoftFail === true,
      });
      res.json({ recordId: record.id, ...report, text: formatReport(report) });
    });
  }

  return r;
}
