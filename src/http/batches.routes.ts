/**
 * Scanner batches over HTTP:
 *   POST /batches                 upload (multipart: the unit, optional codes, the files), answered 202, or 429 with
 *                                 Retry-After while the queue is deeper than INTAKE_QUEUE_LIMIT and the unit has work
 *                                 waiting in it (back-pressure, shared/src/intake.ts)
 *   GET  /batches                 the batches received since a time (today's work), newest first, as GET /batches/:id
 *   GET  /batches/:id             the batch with its files, documents, records and what failed
 *   GET  /quarantine              files that could not be taken, with their reason (clerks, archivists)
 *   GET  /quarantine/:id/file     one of them, as a download
 * Each within the caller's units: batches:write to upload, batches:read for the rest.
 */
import fs from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import express from 'express';
import multer from 'multer';
import { AppError, assertCode, IntakeFull, isUuid, parseInput, scopeParam, unitFilter, type Db, type IntakeGate, type ObjectStore, type Queue } from '@sohoa/shared';
import { admitBatch, findQuarantined, listQuarantined, receiveBatch } from '@sohoa/ingest';
import { actingFor, auditRead, callerOf } from './acting.ts';
import { BatchFields, BatchListQuery, QuarantineQuery } from './batches.contract.ts';
import { loadBatchView } from './batch-status.ts';
import { reasonCode } from './reason-codes.ts';
import { fromStore, multipart } from './errors.ts';
import { spoolStorage, type SpooledFile } from './upload-spool.ts';

export interface BatchRoutesDeps {
  db: Db; store: ObjectStore; queue: Queue; maxUploadBytes: number;
  /** Where uploaded files wait, on this machine's disk, until they are in the object store. */
  spoolDir: string;
  /** Back-pressure on uploads (absent: none). */
  intake?: IntakeGate;
}

/** A refusal for a full queue carries Retry-After, whether it came before the body was read or after. */
const withRetryAfter = (res: express.Response, err: unknown) => {
  if (err instanceof IntakeFull) res.set('Retry-After', String(err.retryAfterSeconds));
  return err;
};

const isBatchFile = (fieldname: string) => fieldname === 'files[]' || fieldname === 'files';

/**
 * A refused upload is answered no sooner than this after it arrived. A sender that honours Retry-After never
 * notices; one that sends again at once (a scanner's retry loop, bench:load's uploaders) would otherwise loop at
 * whatever rate the server answers, and the cheaper the refusal, the more of them, each taking the event loop from
 * the reads. Held, a refusal costs a timer and a paused socket: each connection is refused at most 4 times a second.
 */
export const REFUSAL_HOLD_MS = 250;
type UploadRequest = express.Request & { sohoaArrived?: number; sohoaAdmitted?: Promise<void> };

/** Waits out the rest of a refusal's hold, then gives the refusal back (with Retry-After on the answer). */
async function heldRefusal(req: UploadRequest, res: express.Response, err: IntakeFull): Promise<IntakeFull> {
  const left = (req.sohoaArrived ?? performance.now()) + REFUSAL_HOLD_MS - performance.now();
  if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
  return withRetryAfter(res, err) as IntakeFull;
}

/** Mounted under /api/v1 behind the token check. */
export function batchRoutes(deps: BatchRoutesDeps): express.Router {
  const r = express.Router();
  // Text fields are codes: 64 KB is far more than any needs, and keeps a 20 KB code a 422 (not a multer limit).
  // Files are spooled to disk, never held in memory: a batch may be gigabytes of scans.
  const upload = multer({
    storage: spoolStorage(deps.spoolDir),
    fileFilter: (req, file, accept) => {
      if (!isBatchFile(file.fieldname)) return accept(null, false); // other parts are read past, not kept
      admitEarly(req).then(() => accept(null, true), accept);
    },
    limits: { fileSize: deps.maxUploadBytes, files: 500, fields: 50, fieldSize: 64 * 1024, fieldNameSize: 100 },
  });

  /**
   * Back-pressure decided when the first file begins, from the fields sent before it (the unit): a refused upload
   * is answered 429 without its files being hashed or spooled to disk, and the rest of its body is read past.
   * Under a full queue a scanner's retries are most of the uploads, so a refusal must cost next to nothing.
   * Only a refusal is decided here; anything else (no unit yet, an unknown one, no permission) is left to the
   * route, which asks again once the body is read.
   */
  const admitEarly = (req: express.Request): Promise<void> => {
    const state = req as UploadRequest;
    state.sohoaAdmitted ??= (async () => {
      const unitCode = (req.body as Record<string, unknown> | undefined)?.unit;
      if (!deps.intake || typeof unitCode !== 'string' || !req.res) return;
      try {
        const units = unitFilter(callerOf(req.res), 'batches:write');
        assertCode('unit', unitCode);
        await admitBatch(deps, { unitCode, units });
      } catch (err) {
        if (err instanceof IntakeFull) throw await heldRefusal(state, req.res, err);
      }
    })();
    return state.sohoaAdmitted;
  };

  const arrived: express.RequestHandler = (req, _res, next) => {
    (req as UploadRequest).sohoaArrived = performance.now();
    next();
  };

  r.post('/batches', arrived, multipart(upload.any()), async (req, res) => {
    const files = (req.files as SpooledFile[] | undefined) ?? [];
    let received;
    try {
      const by = actingFor(req, res, 'batches:write');
      const fields = parseInput(BatchFields, { ...req.body });
      received = await receiveBatch(deps, {
        unitCode: fields.unit,
        procedureCode: fields.procedure ?? null,
        dossierCode: fields.dossier ?? null,
        componentCode: fields.component ?? null,
        // multer decodes the multipart filename as latin1; browsers and curl send UTF-8
        files: files.map((f) => ({ name: Buffer.from(f.originalname, 'latin1').toString('utf8'), path: f.path, size: f.size, sha256: f.sha256 })),
        source: 'upload',
        actor: by.actor,
        purpose: by.purpose,
        units: by.units, // another unit is refused as an unknown one
      });
    } catch (err) {
      throw err instanceof IntakeFull ? await heldRefusal(req, res, err) : err;
    } finally {
      await Promise.all(files.map((f) => fs.rm(f.path, { force: true }))); // stored or refused: the spool lets go
    }
    res.status(202).location(`/api/v1/batches/${received.batchId}`).json({ id: received.batchId, dossier: received.dossierCode });
  });

  r.get('/batches', async (req, res) => {
    const { units } = actingFor(req, res, 'batches:read');
    const { since, unit } = parseInput(BatchListQuery, { ...req.query });
    const from = since ?? new Date(Date.now() - 24 * 3600 * 1000);
    const ids = await deps.db.query<{ id: string }>(
      `SELECT b.id FROM batches b JOIN units u ON u.id = b.unit_id
       WHERE b.created_at >= $1 AND ($2::uuid[] IS NULL OR b.unit_id = ANY($2)) AND ($3::text IS NULL OR u.code = $3)
       ORDER BY b.created_at DESC, b.id LIMIT 100`,
      [from, scopeParam(units), unit ?? null],
    );
    const views = await Promise.all(ids.rows.map((row) => loadBatchView(deps.db, row.id, units)));
    res.json({ batches: views.filter((v) => v !== null) });
  });

  r.get('/batches/:id', async (req, res) => {
    const { units } = actingFor(req, res, 'batches:read');
    const view = isUuid(req.params.id) ? await loadBatchView(deps.db, req.params.id, units) : null;
    if (!view) throw new AppError('not-found', 'batch not found', 404);
    res.json(view);
  });

  // The quarantine: files that could not be taken (unreadable scans, hot-folder files in no known unit), kept in
  // the object store with their reason. Files of no known unit are for those who read every unit.
  r.get('/quarantine', async (req, res) => {
    const { units } = actingFor(req, res, 'batches:read');
    const { unit } = parseInput(QuarantineQuery, { ...req.query });
    res.json({ files: (await listQuarantined(deps.db, { unitCode: unit ?? null, units })).map((f) => ({ ...f, reasonCode: reasonCode(f.reason) })) });
  });

  r.get('/quarantine/:id/file', async (req, res) => {
    const by = actingFor(req, res, 'batches:read');
    const file = isUuid(req.params.id) ? await findQuarantined(deps.db, req.params.id, by.units) : null;
    if (!file) throw new AppError('not-found', 'quarantined file not found', 404);
    // A counter's scan carries personal data: who took its bytes is in the trail.
    await auditRead(deps.db, by, { action: 'file.quarantine-downloaded', subjectType: 'file', subjectId: file.id, unitId: file.unitId, detail: { name: file.name } });
    const body = await fromStore(`quarantined file ${file.id}`, () => deps.store.getStream(file.objectKey));
    // Whatever the name says, these bytes were refused: a download, never rendered by the browser.
    res.attachment(file.name);
    res.set({
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(file.size),
      'X-Content-Type-Options': 'nosniff',
      Digest: `sha-256=${Buffer.from(file.sha256, 'hex').toString('base64')}`,
    });
    await pipeline(body, res).catch(() => res.destroy()); // the client went away, or the store stopped mid-file
  });

  return r;
}
