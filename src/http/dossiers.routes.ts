import express, { type Response } from 'express';
import {
  AppError, actorOf, isDossierCode, isUuid, jsonDepthGuard, parseInput, requireRole as requireCallerRole, type Caller,
} from '@sohoa/shared';
import * as clerk from '@sohoa/matching/dossiers';
import { ComponentEdit, MergeEdit, PagesEdit, ReviewQuery, RotateEdit, SplitEdit } from './dossiers.contract.ts';

const caller = (res: Response) => res.locals.caller as Caller;
const actor = (res: Response) => actorOf(caller(res));
const requireRole = (res: Response, ...roles: string[]) => requireCallerRole(caller(res), ...roles);

function uuidParam(value: unknown, what: string): string {
  if (!isUuid(value)) throw new AppError('not-found', `${what} not found`, 404);
  return value;
}

/**
 * The clerk's and archivist's view of dossiers: documents, completeness, the review list, and the edits that fix
 * what the machine guessed. Mounted under /api/v1 behind the token check. Its JSON body parser also serves the
 * routers mounted after it (app.ts keeps that order).
 */
export function dossierRoutes(deps: clerk.ClerkDeps): express.Router {
  const r = express.Router();
  r.use(express.json({ limit: '5mb', verify: jsonDepthGuard() }));

  r.get('/dossiers/:code', async (req, res) => {
    const code = req.params.code.toUpperCase();
    if (!isDossierCode(code)) throw new AppError('not-found', 'dossier not found', 404);
    res.json(await clerk.dossierView(deps.db, code));
  });

  r.get('/review', async (req, res) => {
    const { unit } = parseInput(ReviewQuery, { ...req.query });
    res.json({ documents: await clerk.reviewList(deps.db, unit ?? null) });
  });

  r.get('/documents/:id', async (req, res) => {
    res.json(await clerk.documentView(deps.db, uuidParam(req.params.id, 'document')));
  });

  r.put('/documents/:id/component', async (req, res) => {
    requireRole(res, 'clerk');
    const { component, procedure } = parseInput(ComponentEdit, { ...req.body });
    res.json(await clerk.confirmComponent(deps, { documentId: uuidParam(req.params.id, 'document'), componentCode: component, procedureCode: procedure, actor: actor(res) }));
  });

  r.post('/documents/:id/merge', async (req, res) => {
    requireRole(res, 'clerk');
    const { document } = parseInput(MergeEdit, { ...req.body });
    res.json({ documents: await clerk.mergeDocuments(deps, { documentId: uuidParam(req.params.id, 'document'), otherId: document, actor: actor(res) }) });
  });

  r.post('/documents/:id/split', async (req, res) => {
    requireRole(res, 'clerk');
    const { atPage } = parseInput(SplitEdit, { ...req.body });
    res.json({ documents: await clerk.splitDocument(deps, { documentId: uuidParam(req.params.id, 'document'), atPage, actor: actor(res) }) });
  });

  r.put('/documents/:id/pages', async (req, res) => {
    requireRole(res, 'clerk');
    const { pages } = parseInput(PagesEdit, { ...req.body });
    res.json({ documents: await clerk.reorderPages(deps, { documentId: uuidParam(req.params.id, 'document'), pageIds: pages, actor: actor(res) }) });
  });

  r.post('/pages/:id/rotate', async (req, res) => {
    requireRole(res, 'clerk');
    const { degrees } = parseInput(RotateEdit, { ...req.body });
    res.json({ documents: await clerk.rotatePage(deps, { pageId: uuidParam(req.params.id, 'page'), degrees, actor: actor(res) }) });
  });

  return r;
}
