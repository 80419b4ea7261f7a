/**
 * BagIt (RFC 8493) exports over HTTP (mounted under /api/v1 behind authentication); every request and download is
 * in the audit trail (circular 01/2019):
 *   GET  /records/:id/bag     one record's bag as a zip, streamed (records:read and audit:read: it carries the record's trail)
 *   POST /exports             {kind: "file", file} | {kind: "fonds", unit} | {kind: "search", records: [...]} | {kind: "search", query}
 *                             → 202 {id}; the export.bag job builds the bag into the object store (exports:write)
 *   GET  /exports/:id         its state; GET /exports/:id/bag the zip once done
 */
import express, { type Response } from 'express';
import {
  AppError, actorOf, holds, isUuid, jsonDepthGuard, parseInput, recordAudit, requirePermission, unitFilter, unitsWhere, type Caller, type Db,
  type ObjectStore, type Queue,
} from '@sohoa/shared';
import { TooManyResults, fileView, loadExport, recordBag, recordsToDescribe, requestExport, searchRecordIds, unitByCode, type ExportRow } from '@sohoa/archive-api';
import { fromStore } from './errors.ts';
import { ExportRequest, MAX_EXPORT_RECORDS } from './exports.contract.ts';
import { SearchQuery } from './search.contract.ts';

const caller = (res: Response) => res.locals.caller as Caller;

/**
 * The record ids a saved or typed search finds (the same search as GET /records?q=…, every match rather than a
 * page), within the units where the caller may export. More than MAX_EXPORT_RECORDS is refused, not cut.
 */
async function recordIdsOfSearch(db: Db, who: Caller, query: Record<string, unknown>): Promise<string[]> {
  const parameters = parseInput(SearchQuery, Object.fromEntries(Object.entries(query).map(([k, v]) => [k, typeof v === 'string' ? v : String(v)])));
  const { sort: _sort, limit: _limit, cursor: _cursor, ...search } = parameters;
  try {
    return await searchRecordIds(db, { ...search, units: unitFilter(who, 'exports:write') }, MAX_EXPORT_RECORDS);
  } catch (err) {
    if (err instanceof TooManyResults) throw new AppError('too-many-records', `${err.message} (at most ${MAX_EXPORT_RECORDS} records per export)`, 400);
    throw err;
  }
}

export function exportRoutes(deps: { db: Db; store: ObjectStore; queue: Queue }): express.Router {
  const r = express.Router();
  r.use(express.json({ limit: '1mb', verify: jsonDepthGuard() }));

  r.get('/records/:id/bag', async (req, res) => {
    const id = req.params.id;
    // Both permissions are needed: a caller who holds either nowhere is refused (403) before any record is looked up.
    unitsWhere(caller(res), 'records:read');
    unitsWhere(caller(res), 'audit:read');
    const [record] = isUuid(id) ? await recordsToDescribe(deps.db, [id]) : [];
    if (!record) throw new AppError('not-found', 'record not found', 404);
    requirePermission(caller(res), 'records:read', record.unit_id, 'record not found');
    requirePermission(caller(res), 'audit:read', record.unit_id, 'record not found');
    const bag = await recordBag(deps.db, deps.store, id);
    // A payload that is not what the archive holds breaks the download off; a small bag may fail before it is piped,
    // so the handler is there from the start.
    bag.stream.on('error', (err) => res.destroy(err));
    await recordAudit(deps.db, { actor: actorOf(caller(res)), action: 'record.bag-downloaded', subjectType: 'record', subjectId: id, detail: { size: bag.size } });
    res.type('application/zip').set('Content-Disposition', `attachment; filename="${bag.name}.zip"`).set('Content-Length', String(bag.size));
    bag.stream.pipe(res);
  });

  r.post('/exports', async (req, res) => {
    const body = parseInput(ExportRequest, req.body ?? {});
    const who = caller(res);
    const actor = actorOf(who);
    let id: string;
    if (body.kind === 'file') {
      const view = await fileView(deps.db, body.file);
      if (!view) throw new AppError('not-found', 'archival file not found', 404);
      requirePermission(who, 'exports:write', view.unitId, 'archival file not found');
      id = await requestExport(deps, { kind: 'file', subject: { fileId: view.id }, unitIds: [view.unitId], actor });
    } else if (body.kind === 'fonds') {
      const unit = await unitByCode(deps.db, body.unit);
      if (!unit) throw new AppError('not-found', 'fonds not found', 404);
      requirePermission(who, 'exports:write', unit.id, 'fonds not found');
      id = await requestExport(deps, { kind: 'fonds', subject: { unitId: unit.id }, unitIds: [unit.id], actor });
    } else {
      requirePermission(who, 'exports:write');
      const ids = body.records ? [...new Set(body.records)] : await recordIdsOfSearch(deps.db, who, body.query!);
      if (ids.length === 0) throw new AppError('not-found', 'the search finds no record to export', 404);
      const records = await recordsToDescribe(deps.db, ids);
      // A record of another unit is as absent as one that does not exist.
      const missing = ids.filter((rid) => !records.some((rec) => rec.id === rid && holds(who, 'exports:write', rec.unit_id)));
      if (missing.length) throw new AppError('not-found', `record not found: ${missing.slice(0, 5).join(', ')}`, 404);
      id = await requestExport(deps, { kind: 'search', subject: { recordIds: ids }, unitIds: [...new Set(records.map((rec) => rec.unit_id))], actor });
    }
    res.status(202).json({ id, status: 'queued', href: `/api/v1/exports/${id}` });
  });

  const exportOr404 = async (id: string, res: Response): Promise<ExportRow> => {
    const row = isUuid(id) ? await loadExport(deps.db, id) : null;
    if (!row || !row.unit_ids.every((u) => holds(caller(res), 'exports:write', u))) {
      requirePermission(caller(res), 'exports:write'); // 403 for a caller who may export nothing at all
      throw new AppError('not-found', 'export not found', 404);
    }
    return row;
  };

  r.get('/exports/:id', async (req, res) => {
    const row = await exportOr404(req.params.id, res);
    res.json({
      id: row.id, kind: row.kind, status: row.status, requestedBy: row.requested_by, createdAt: row.created_at, finishedAt: row.finished_at,
      size: row.size, payloadFiles: row.payload_files, error: row.error, download: row.status === 'done' ? `/api/v1/exports/${row.id}/bag` : null,
    });
  });

  r.get('/exports/:id/bag', async (req, res) => {
    const row = await exportOr404(req.params.id, res);
    if (row.status !== 'done' || !row.object_key) throw new AppError('not-ready', `the export is ${row.status}`, 409);
    await recordAudit(deps.db, { actor: actorOf(caller(res)), action: 'export.downloaded', subjectType: 'export', subjectId: row.id, detail: { size: row.size } });
    const key = row.object_key;
    const stream = await fromStore(`the bag of export ${row.id}`, () => deps.store.getStream(key));
    res.type('application/zip').set('Content-Disposition', `attachment; filename="sohoa-export-${row.id}.zip"`).set('Content-Length', String(row.size));
    stream.on('error', (err) => res.destroy(err));
    stream.pipe(res);
  });

  return r;
}
