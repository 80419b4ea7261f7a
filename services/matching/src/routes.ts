import express, { type Response } from 'express';
import { AppError, actorOf, importCatalog, isUuid, requireRole as requireCallerRole, type Caller } from '@sohoa/shared';
import * as clerk from './dossier.service.ts';

const caller = (res: Response) => res.locals.caller as Caller;
const actor = (res: Response) => actorOf(caller(res));
const requireRole = (res: Response, ...roles: string[]) => requireCallerRole(caller(res), ...roles);

function uuidParam(value: unknown, what: string): string {
  if (!isUuid(value)) throw new AppError('not-found', `${what} not found`, 404);
  return value;
}

/**
 * The clerk's and archivist's view of dossiers: documents, completeness, the review list, and the edits that fix
 * what the machine guessed. Mounted under /api/v1 behind the token check.
 */
export function dossierRoutes(deps: clerk.ClerkDeps): express.Router {
  const r = express.Router();
  r.use(express.json({ limit: '5mb' }));

  r.get('/dossiers/:code', async (req, res) => {
    res.json(await clerk.dossierView(deps.db, req.params.code));
  });

  r.get('/review', async (req, res) => {
    const unit = typeof req.query.unit === 'string' ? req.query.unit : null;
    res.json({ documents: await clerk.reviewList(deps.db, unit) });
  });

  r.get('/documents/:id', async (req, res) => {
    res.json(await clerk.documentView(deps.db, uuidParam(req.params.id, 'document')));
  });

  r.put('/documents/:id/component', async (req, res) => {
    requireRole(res, 'clerk');
    const { component, procedure } = req.body ?? {};
    if (typeof component !== 'string' || !component) throw new AppError('missing-component', 'give "component": the component code', 422);
    res.json(await clerk.confirmComponent(deps, { documentId: uuidParam(req.params.id, 'document'), componentCode: component, procedureCode: typeof procedure === 'string' ? procedure : undefined, actor: actor(res) }));
  });

  r.post('/documents/:id/merge', async (req, res) => {
    requireRole(res, 'clerk');
    res.json({ documents: await clerk.mergeDocuments(deps, { documentId: uuidParam(req.params.id, 'document'), otherId: uuidParam(req.body?.document, 'document to merge'), actor: actor(res) }) });
  });

  r.post('/documents/:id/split', async (req, res) => {
    requireRole(res, 'clerk');
    res.json({ documents: await clerk.splitDocument(deps, { documentId: uuidParam(req.params.id, 'document'), atPage: Number(req.body?.atPage), actor: actor(res) }) });
  });

  r.put('/documents/:id/pages', async (req, res) => {
    requireRole(res, 'clerk');
    const pages = req.body?.pages;
    if (!Array.isArray(pages) || !pages.every(isUuid)) throw new AppError('bad-pages', 'give "pages": the page ids in their new order', 422);
    res.json({ documents: await clerk.reorderPages(deps, { documentId: uuidParam(req.params.id, 'document'), pageIds: pages, actor: actor(res) }) });
  });

  r.post('/pages/:id/rotate', async (req, res) => {
    requireRole(res, 'clerk');
    res.json({ documents: await clerk.rotatePage(deps, { pageId: uuidParam(req.params.id, 'page'), degrees: Number(req.body?.degrees), actor: actor(res) }) });
  });

  r.post('/catalog', async (req, res) => {
    requireRole(res, 'admin');
    if (!req.is('application/json')) throw new AppError('not-json', 'send the catalog as application/json', 415);
    const raw = Buffer.from(JSON.stringify(req.body ?? {}));
    try {
      const result = await importCatalog(deps.db, raw);
      res.status(result.created ? 201 : 200).json(result);
    } catch (err) {
      if (err instanceof SyntaxError || (err instanceof Error && err.message.startsWith('invalid catalog'))) throw new AppError('invalid-catalog', err.message, 422);
      throw err;
    }
  });
  return r;
}
