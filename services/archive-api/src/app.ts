import fs from 'node:fs/promises';
import express from 'express';
import multer from 'multer';
import { z } from 'zod';
import {
  AppError, actorOf, catalogCodeInput, dossierCodeInput, isUuid, optional, parseInput, unitCodeInput,
  type Caller, type Db, type Logger, type ObjectStore, type Queue,
} from '@sohoa/shared';
import { receiveBatch } from '@sohoa/ingest';
import { dossierRoutes } from '@sohoa/matching/routes';
import { requireToken } from './auth.ts';
import { loadBatchView, loadRecord } from './batch-status.ts';
import { certificateRoutes, type CertificateRoutesDeps } from './certificates.routes.ts';
import { errorHandler, multipart } from './http-errors.ts';
import { quarantineRoutes } from './quarantine.routes.ts';
import { spoolStorage, type SpooledFile } from './upload-spool.ts';

/** The text fields of POST /batches; every code has its shape checked here, and against units/catalog after. */
const BatchFields = z.object({
  unit: unitCodeInput,
  // Without a procedure, the receipt's QR code or the papers themselves tell it (batch.split).
  procedure: optional(catalogCodeInput),
  dossier: optional(dossierCodeInput),
  component: optional(catalogCodeInput),
});

export interface ApiDeps {
  db: Db; store: ObjectStore; queue: Queue; log: Logger; maxUploadBytes: number;
  /** Where uploaded files wait, on this machine's disk, until they are in the object store. */
  spoolDir: string;
  signing?: CertificateRoutesDeps['signing'];
  /** Why the process cannot take work yet (first start not done), or null once it can. */
  notReady?: () => string | null;
}

const isBatchFile = (fieldname: string) => fieldname === 'files[]' || fieldname === 'files';

export function createApp(deps: ApiDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // Text fields are codes: 64 KB is far more than any needs, and keeps a 20 KB code a 422 (not a multer limit).
  // Files are spooled to disk, never held in memory: a batch may be gigabytes of scans.
  const upload = multer({
    storage: spoolStorage(deps.spoolDir),
    fileFilter: (_req, file, accept) => accept(null, isBatchFile(file.fieldname)), // other parts are read past, not kept
    limits: { fileSize: deps.maxUploadBytes, files: 500, fields: 50, fieldSize: 64 * 1024, fieldNameSize: 100 },
  });

  const dependencies = async () => {
    const checks = await Promise.allSettled([deps.db.query('SELECT 1'), deps.queue.ping(), deps.store.ping()]);
    const [database, queue, objectStore] = checks.map((c) => (c.status === 'fulfilled' ? 'ok' : String(c.reason?.message ?? c.reason)));
    return { ok: checks.every((c) => c.status === 'fulfilled'), database, queue, objectStore };
  };
  // Liveness: the process and what it depends on answer.
  app.get('/healthz', async (_req, res) => {
    const { ok, ...checks } = await dependencies();
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable', ...checks });
  });
  // Readiness: migrations and the first start (catalog, unit, certificate, data/credentials.json) are done too.
  app.get('/readyz', async (_req, res) => {
    const reason = deps.notReady?.() ?? null;
    if (reason) return void res.status(503).json({ status: 'starting', reason });
    const { ok, ...checks } = await dependencies();
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'unavailable', ...checks });
  });

  const api = express.Router();
  api.use(requireToken(deps.db));

  api.post('/batches', multipart(upload.any()), async (req, res) => {
    const files = (req.files as SpooledFile[] | undefined) ?? [];
    let received;
    try {
      const fields = parseInput(BatchFields, { ...req.body });
      const caller = res.locals.caller as Caller;
      received = await receiveBatch(deps, {
        unitCode: fields.unit,
        procedureCode: fields.procedure ?? null,
        dossierCode: fields.dossier ?? null,
        componentCode: fields.component ?? null,
        // multer decodes the multipart filename as latin1; browsers and curl send UTF-8
        files: files.map((f) => ({ name: Buffer.from(f.originalname, 'latin1').toString('utf8'), path: f.path, size: f.size, sha256: f.sha256 })),
        source: 'upload',
        actor: actorOf(caller),
      });
    } finally {
      await Promise.all(files.map((f) => fs.rm(f.path, { force: true }))); // stored or refused: the spool lets go
    }
    res.status(202).location(`/api/v1/batches/${received.batchId}`).json({ id: received.batchId, dossier: received.dossierCode });
  });

  api.get('/batches/:id', async (req, res) => {
    const view = isUuid(req.params.id) ? await loadBatchView(deps.db, req.params.id) : null;
    if (!view) throw new AppError('not-found', 'batch not found', 404);
    res.json(view);
  });

  api.get('/records/:id', async (req, res) => {
    const record = isUuid(req.params.id) ? await loadRecord(deps.db, req.params.id) : null;
    if (!record) throw new AppError('not-found', 'record not found', 404);
    res.json(record);
  });

  api.get('/records/:id/pdf', async (req, res) => {
    const record = isUuid(req.params.id) ? await loadRecord(deps.db, req.params.id) : null;
    if (!record) throw new AppError('not-found', 'record not found', 404);
    const pdf = await deps.store.get(record.objectKey);
    res.type('application/pdf').set('Content-Disposition', `inline; filename="${record.id}.pdf"`).set('Digest', `sha-256=${Buffer.from(record.sha256, 'hex').toString('base64')}`).send(pdf);
  });

  api.use(dossierRoutes(deps));
  api.use(quarantineRoutes(deps));
  if (deps.signing) api.use(certificateRoutes({ db: deps.db, store: deps.store, signing: deps.signing }));
  app.use('/api/v1', api);
  app.use((_req, _res, next) => next(new AppError('not-found', 'no such route', 404)));
  app.use(errorHandler(deps.log, { maxUploadBytes: deps.maxUploadBytes }));
  return app;
}

