/**
 * Archival description over HTTP (mounted under /api/v1 behind authentication):
 *   POST  /dossiers/:code/close                  close a dossier into an archival file (records:describe)
 *   GET   /archival-files/:id                    a file's description and its documents' (records:read)
 *   PATCH /archival-files/:id                    an archivist's correction (records:describe; audited with old values)
 *   GET   /archival-files/:id/history            its closing and corrections, old and new values (records:read)
 *   GET   /records/:id/description               a record's document description (records:read)
 *   PATCH /records/:id/description               its correction (records:describe)
 *   GET   /archival-files/:id/description?format=xml|json         export (audited)
 *   GET   /fonds/:unit/description?format=xml|json|xlsx           a fonds with its files; xlsx: the inventory (mục lục hồ sơ)
 */
import express, { type Response } from 'express';
import { z } from 'zod';
import {
  AppError, actorOf, dossierCodeInput, isUuid, jsonDepthGuard, parseInput, recordAudit, requirePermission, unitCodeInput,
  withTransaction, type Caller, type Db,
} from '@sohoa/shared';
import {
  descriptionJson, descriptionXml, describedFile, documentDescriptions, dossierByCode, editDocument, editFile, fileDossier, fileHistory, fileView, fondsView,
  inventoryXlsx, unitByCode, type DescriptionExport,
} from '@sohoa/archive-api';
import { DocumentEdit, FileEdit, Format } from './description.contract.ts';

const caller = (res: Response) => res.locals.caller as Caller;

function uuidParam(value: unknown, what: string): string {
  if (!isUuid(value)) throw new AppError('not-found', `${what} not found`, 404);
  return value;
}

/** Sends a description in the format asked for; the spreadsheet only for a fonds' inventory. */
async function sendDescription(res: Response, e: DescriptionExport, name: string, format: 'json' | 'xml' | 'xlsx', inventory?: () => Promise<Buffer>) {
  if (format === 'xml') return void res.type('application/xml').set('Content-Disposition', `attachment; filename="${name}.xml"`).send(descriptionXml(e));
  if (format === 'xlsx') {
    if (!inventory) throw new AppError('invalid-input', 'format: the spreadsheet is the inventory of a fonds (GET /fonds/:unit/description?format=xlsx)', 422);
    return void res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').set('Content-Disposition', `attachment; filename="${name}.xlsx"`).send(await inventory());
  }
  res.json(descriptionJson(e));
}

export function descriptionRoutes(deps: { db: Db }): express.Router {
  const r = express.Router();
  r.use(express.json({ limit: '1mb', verify: jsonDepthGuard() }));

  r.post('/dossiers/:code/close', async (req, res) => {
    const code = parseInput(z.object({ code: dossierCodeInput }), { code: req.params.code }).code;
    const dossier = await dossierByCode(deps.db, code);
    if (!dossier) throw new AppError('not-found', 'dossier not found', 404);
    requirePermission(caller(res), 'records:describe', dossier.unit_id, 'dossier not found');
    const fileId = await withTransaction(deps.db, (tx) => fileDossier(tx, dossier.id, { because: 'closed', actor: actorOf(caller(res)), at: new Date() }));
    res.json(await fileView(deps.db, fileId));
  });

  const fileOr404 = async (id: string, permission: 'records:read' | 'records:describe', res: Response) => {
    const view = await fileView(deps.db, uuidParam(id, 'archival file'));
    if (!view) throw new AppError('not-found', 'archival file not found', 404);
    requirePermission(caller(res), permission, view.unitId, 'archival file not found');
    return view;
  };

  r.get('/archival-files/:id', async (req, res) => {
    res.json(await fileOr404(req.params.id, 'records:read', res));
  });

  r.patch('/archival-files/:id', async (req, res) => {
    const edit = parseInput(FileEdit, req.body ?? {});
    const who = caller(res);
    const result = await editFile(deps.db, {
      fileId: uuidParam(req.params.id, 'archival file'), edit, actor: actorOf(who),
      authorize: (unitId) => requirePermission(who, 'records:describe', unitId, 'archival file not found'),
    });
    res.json(result);
  });

  r.get('/archival-files/:id/history', async (req, res) => {
    const view = await fileOr404(req.params.id, 'records:read', res);
    res.json({ items: await fileHistory(deps.db, view.id) });
  });

  r.get('/records/:id/description', async (req, res) => {
    const [doc] = await documentDescriptions(deps.db, [uuidParam(req.params.id, 'record')]);
    if (!doc) throw new AppError('not-found', 'record not found', 404);
    requirePermission(caller(res), 'records:read', doc.record.unit_id, 'record not found');
    res.json({ recordId: doc.record.id, filed: doc.description.DocCode !== null, description: doc.description, fileId: doc.record.file_id ?? null });
  });

  r.patch('/records/:id/description', async (req, res) => {
    const edit = parseInput(DocumentEdit, req.body ?? {});
    const who = caller(res);
    const recordId = uuidParam(req.params.id, 'record');
    const [doc] = await documentDescriptions(deps.db, [recordId]);
    if (!doc) throw new AppError('not-found', 'record not found', 404);
    requirePermission(who, 'records:describe', doc.record.unit_id, 'record not found');
    res.json(await editDocument(deps.db, { recordId, edit, actor: actorOf(who), authorize: (unitId) => requirePermission(who, 'records:describe', unitId, 'record not found') }));
  });

  r.get('/archival-files/:id/description', async (req, res) => {
    const { format } = parseInput(Format, { ...req.query });
    const view = await fileOr404(req.params.id, 'records:read', res);
    await recordAudit(deps.db, { actor: actorOf(caller(res)), action: 'description.exported', subjectType: 'archival-file', subjectId: view.id, detail: { format: format ?? 'json' } });
    await sendDescription(res, { kind: 'file', value: describedFile(view) }, view.description.FileCode, format ?? 'json');
  });

  r.get('/fonds/:unit/description', async (req, res) => {
    const { unit: code, format } = parseInput(Format.extend({ unit: unitCodeInput }), { ...req.query, unit: req.params.unit });
    const unit = await unitByCode(deps.db, code);
    if (!unit) throw new AppError('not-found', 'fonds not found', 404);
    requirePermission(caller(res), 'records:read', unit.id, 'fonds not found');
    const fonds = await fondsView(deps.db, unit);
    await recordAudit(deps.db, { actor: actorOf(caller(res)), action: 'description.exported', subjectType: 'fonds', subjectId: unit.id, detail: { format: format ?? 'json', files: fonds.files.length } });
    await sendDescription(res, { kind: 'fonds', value: fonds }, `phong-${unit.code}`, format ?? 'json', () => inventoryXlsx(fonds.fonds, fonds.files.map((f) => f.file)));
  });

  return r;
}
