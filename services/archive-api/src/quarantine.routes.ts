import { pipeline } from 'node:stream/promises';
import express, { type Response } from 'express';
import { z } from 'zod';
import { AppError, isUuid, optional, parseInput, requireRole, unitCodeInput, type Caller, type Db, type ObjectStore } from '@sohoa/shared';
import { findQuarantined, listQuarantined } from '@sohoa/ingest';

const QuarantineQuery = z.object({ unit: optional(unitCodeInput) });

/** Rejected files are for the people who sort them out: clerks and archivists (and admins), not system tokens. */
const requireReader = (res: Response) => requireRole(res.locals.caller as Caller, 'clerk', 'archivist');

/**
 * The quarantine: files that could not be taken (unreadable scans, hot-folder files in no known unit), kept in the
 * object store with their reason. Mounted under /api/v1 behind the token check.
 */
export function quarantineRoutes(deps: { db: Db; store: ObjectStore }): express.Router {
  const r = express.Router();

  r.get('/quarantine', async (req, res) => {
    requireReader(res);
    const { unit } = parseInput(QuarantineQuery, { ...req.query });
    res.json({ files: await listQuarantined(deps.db, { unitCode: unit ?? null }) });
  });

  r.get('/quarantine/:id/file', async (req, res) => {
    requireReader(res);
    const file = isUuid(req.params.id) ? await findQuarantined(deps.db, req.params.id) : null;
    if (!file) throw new AppError('not-found', 'quarantined file not found', 404);
    const body = await deps.store.getStream(file.objectKey);
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
