import express, { type Response } from 'express';
import { z } from 'zod';
import {
  AppError, actorOf, catalogCodeInput, isDossierCode, isUuid, jsonDepthGuard, optional, parseInput,
  requireRole as requireCallerRole, unitCodeInput, uuidInput, type Caller,
} from '@sohoa/shared';
import * as clerk from '@sohoa/matching/dossiers';

const caller = (res: Response) => res.locals.caller as Caller;
const actor = (res: Response) => actorOf(caller(res));
const requireRole = (res: Response, ...roles: string[]) => requireCallerRole(caller(res), ...roles);

function uuidParam(value: unknown, what: string): string {
  if (!isUuid(value)) throw new AppError('not-found', `${what} not found`, 404);
  return value;
}

/** Request bodies and queries: checked before anything reaches SQL, and refused with the field named. */
const ReviewQuery = z.object({ unit: optional(unitCodeInput) });
const ComponentEdit = z.object({ component: catalogCodeInput, procedure: optional(catalogCodeInput) });
const MergeEdit = z.object({ document: uuidInput });
const SplitEdit = z.object({ atPage: z.number({ error: 'a page number' }).int('a whole page number').min(2).max(10_000) });
const PagesEdit = z.object({ pages: z.array(uuidInput, { error: 'the page ids in their new order' }).min(1).max(10_000) });
const RotateEdit = z.object({ degrees: z.union([z.literal(90), z.literal(180), z.literal(270)], { error: 'degrees must be 90, 180 or 270 (clockwise)' }) });

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
