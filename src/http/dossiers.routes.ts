import { createHash } from 'node:crypto';
import express from 'express';
import { AppError, isDossierCode, isUuid, jsonDepthGuard, parseInput } from '@sohoa/shared';
import * as clerk from '@sohoa/matching/dossiers';
import { actingFor } from './acting.ts';
import { fromStore } from './errors.ts';
import { ComponentEdit, MergeEdit, PagesEdit, ReviewQuery, RotateEdit, SplitEdit } from './dossiers.contract.ts';

function uuidParam(value: unknown, what: string): string {
  if (!isUuid(value)) throw new AppError('not-found', `${what} not found`, 404);
  return value;
}

/**
 * The clerk's and archivist's view of dossiers: documents, completeness, the review list (dossiers:read), and the
 * edits that fix what the machine guessed (review:write), each within the caller's units. Mounted under /api/v1 behind the token check. Its JSON body parser also serves the
 * routers mounted after it (app.ts keeps that order).
 */
export function dossierRoutes(deps: clerk.ClerkDeps): express.Router {
  const r = express.Router();
  r.use(express.json({ limit: '5mb', verify: jsonDepthGuard() }));

  r.get('/dossiers/:code', async (req, res) => {
    const by = actingFor(req, res, 'dossiers:read');
    const code = req.params.code.toUpperCase();
    if (!isDossierCode(code)) throw new AppError('not-found', 'dossier not found', 404);
    res.json(await clerk.dossierView(deps.db, code, by));
  });

  r.get('/review', async (req, res) => {
    const by = actingFor(req, res, 'dossiers:read');
    const { unit } = parseInput(ReviewQuery, { ...req.query });
    res.json({ documents: await clerk.reviewList(deps.db, unit ?? null, by) });
  });

  r.get('/documents/:id', async (req, res) => {
    const by = actingFor(req, res, 'dossiers:read');
    res.json(await clerk.documentView(deps.db, uuidParam(req.params.id, 'document'), by));
  });

  r.put('/documents/:id/component', async (req, res) => {
    const by = actingFor(req, res, 'review:write');
    const { component, procedure } = parseInput(ComponentEdit, { ...req.body });
    res.json(await clerk.confirmComponent(deps, { documentId: uuidParam(req.params.id, 'document'), componentCode: component, procedureCode: procedure, by }));
  });

  r.post('/documents/:id/merge', async (req, res) => {
    const by = actingFor(req, res, 'review:write');
    const { document } = parseInput(MergeEdit, { ...req.body });
    res.json({ documents: await clerk.mergeDocuments(deps, { documentId: uuidParam(req.params.id, 'document'), otherId: document, by }) });
  });

  r.post('/documents/:id/split', async (req, res) => {
    const by = actingFor(req, res, 'review:write');
    const { atPage } = parseInput(SplitEdit, { ...req.body });
    res.json({ documents: await clerk.splitDocument(deps, { documentId: uuidParam(req.params.id, 'document'), atPage, by }) });
  });

  r.put('/documents/:id/pages', async (req, res) => {
    const by = actingFor(req, res, 'review:write');
    const { pages } = parseInput(PagesEdit, { ...req.body });
    res.json({ documents: await clerk.reorderPages(deps, { documentId: uuidParam(req.params.id, 'document'), pageIds: pages, by }) });
  });

  r.post('/documents/:id/reopen', async (req, res) => {
    const by = actingFor(req, res, 'review:write');
    res.json(await clerk.reopenDocument(deps, { documentId: uuidParam(req.params.id, 'document'), by }));
  });

  // Revalidated every time (no-cache) against the image's key, which a rotation changes: a turned page shows turned at once.
  r.get('/pages/:id/thumbnail', async (req, res) => {
    const by = actingFor(req, res, 'dossiers:read');
    const version = await clerk.pageImageVersion(deps.db, uuidParam(req.params.id, 'page'), by);
    res.set('Cache-Control', 'private, no-cache').set('ETag', `"${createHash('sha256').update(version).digest('base64url').slice(0, 22)}"`);
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    // Read before the answer's type is set: an image lost from the store is answered as the JSON error it is, and
    // without the ETag, so no cache takes that error for the image.
    const thumbnail = await fromStore(`the image of page ${req.params.id}`, () => clerk.pageThumbnail(deps.store, version)).catch((err) => {
      res.removeHeader('ETag');
      throw err;
    });
    res.type('image/webp').send(thumbnail);
  });

  r.post('/pages/:id/rotate', async (req, res) => {
    const by = actingFor(req, res, 'review:write');
    const { degrees } = parseInput(RotateEdit, { ...req.body });
    res.json({ documents: await clerk.rotatePage(deps, { pageId: uuidParam(req.params.id, 'page'), degrees, by }) });
  });

  return r;
}
