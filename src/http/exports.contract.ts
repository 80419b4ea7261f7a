/** What the BagIt export routes (exports.routes.ts) take and answer. */
import { z } from 'zod';
import { unitCodeInput, uuidInput } from '@sohoa/shared';
import { isoTime, route, uuid } from './openapi/contract.ts';

export const MAX_EXPORT_RECORDS = 10_000;
export const ExportRequest = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('file'), file: uuidInput.meta({ description: 'the archival file id' }) }),
  z.strictObject({ kind: z.literal('fonds'), unit: unitCodeInput.meta({ description: 'the unit whose fonds is exported' }) }),
  // The records picked from a search result, or the search itself (a query object, as GET /records?q=… takes it).
  z.strictObject({
    kind: z.literal('search'),
    records: z.array(uuidInput).min(1).max(MAX_EXPORT_RECORDS).optional().meta({ description: 'the record ids picked from a search result' }),
    query: z.record(z.string(), z.unknown()).optional().meta({ description: 'the search itself, as GET /records takes it (q, filters); every record it finds within the caller’s units' }),
  }).refine((s) => (s.records === undefined) !== (s.query === undefined), 'a search export takes either records or query'),
], { error: 'kind is file (with file), fonds (with unit) or search (with records or query)' });

const ExportQueued = z.strictObject({ id: uuid(), status: z.literal('queued'), href: z.string() }).meta({ id: 'ExportQueued' });
const ExportView = z.strictObject({
  id: uuid(), kind: z.enum(['file', 'fonds', 'search']), status: z.enum(['queued', 'running', 'done', 'failed']), requestedBy: z.string(),
  createdAt: isoTime(), finishedAt: isoTime().nullable(), size: z.number().int().nullable().meta({ description: 'bytes of the zip, once done' }),
  payloadFiles: z.number().int().nullable(), error: z.string().nullable(),
  download: z.string().nullable().meta({ description: 'where the zip is, once done' }),
}).meta({ id: 'Export' });

const exporters = 'archivists, archive leads (exports:write) of every unit the export holds';

export const exportContract = [
  route({
    method: 'get', path: '/api/v1/records/:id/bag', tag: 'exports', access: 'caller', params: { id: 'the record id' },
    who: 'who reads the record and its audit trail (records:read and audit:read)',
    summary: 'One record as a BagIt bag (RFC 8493), zipped and streamed: its PDF, description and audit events (audited)',
    responses: { 200: { description: 'the bag', media: 'application/zip', headers: { 'Content-Disposition': 'attachment, `<bag>.zip`' } } },
    errors: { 403: '`forbidden`', 404: '`not-found`; `object-missing`: the object store lost the PDF', 410: '`record-disposed`: disposition destroyed its PDF (its tombstone says what it was)' },
  }),
  route({
    method: 'post', path: '/api/v1/exports', tag: 'exports', access: 'caller', who: exporters,
    summary: 'Ask for a BagIt export of a file, a fonds, or records picked from a search; a job builds it',
    body: { json: ExportRequest, required: true },
    responses: { 202: { description: 'queued', json: ExportQueued } },
    errors: { 403: '`forbidden`', 404: '`not-found`: the file, fonds or a record, or nothing found by the search', 422: '`invalid-input` (see `fields`)', 400: '`too-many-records`: the search finds more than 10,000 records' },
  }),
  route({
    method: 'get', path: '/api/v1/exports/:id', tag: 'exports', access: 'caller', who: exporters, params: { id: 'the export id' },
    summary: 'An export\'s state', responses: { 200: { description: 'the export', json: ExportView } },
    errors: { 403: '`forbidden`', 404: '`not-found`' },
  }),
  route({
    method: 'get', path: '/api/v1/exports/:id/bag', tag: 'exports', access: 'caller', who: exporters, params: { id: 'the export id' },
    summary: 'A finished export\'s zip (audited)',
    responses: { 200: { description: 'the bag, zipped', media: 'application/zip', headers: { 'Content-Disposition': 'attachment, `sohoa-export-<id>.zip`' } } },
    errors: { 403: '`forbidden`', 404: '`not-found`; `object-missing`: the object store lost the zip', 409: '`not-ready`: the export is queued, running or failed' },
  }),
];
