/** What the archival-description routes (description.routes.ts) take and answer. */
import { z } from 'zod';
import { optional, textInput } from '@sohoa/shared';
import { isoDate, isoTime, route, uuid } from './openapi/contract.ts';

const isoDateInput = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD').refine((d) => !Number.isNaN(Date.parse(d)), 'not a real date');
const line = (max: number) => textInput(max);
const nullableLine = (max: number) => line(max).nullable();

/** The fields an archivist may correct; anything else in the body is refused, so a typo is not silently dropped. */
export const FileEdit = z.strictObject({
  FileCatalog: z.number().int().min(1).max(9999),
  FileNotation: line(100),
  Title: line(1000),
  Maintenance: line(50),
  Rights: line(100),
  Language: line(50),
  StartDate: isoDateInput,
  EndDate: isoDateInput,
  KeyWord: line(1000),
  SheetNumber: z.number().int().min(0).max(1_000_000),
  Format: line(200),
  InforSign: nullableLine(100),
  Reliability: line(100),
  PaperFileCode: nullableLine(100),
  BackupRegime: nullableLine(100),
  BackupState: nullableLine(100),
  Description: nullableLine(2000),
}).partial().refine((e) => Object.keys(e).length > 0, 'name at least one field to change')
  .refine((e) => !e.StartDate || !e.EndDate || e.StartDate <= e.EndDate, 'StartDate comes after EndDate');

export const DocumentEdit = z.strictObject({
  TypeName: line(200),
  CodeNumber: nullableLine(50),
  CodeNotation: nullableLine(100),
  IssuedDate: isoDateInput.nullable(),
  OrganName: nullableLine(500),
  Subject: line(2000),
  Language: line(50),
  Description: nullableLine(2000),
  InforSign: nullableLine(100),
  KeyWord: line(1000),
  Mode: line(100),
  ConfidenceLevel: line(100),
  Autograph: nullableLine(500),
  Format: line(200),
}).partial().refine((e) => Object.keys(e).length > 0, 'name at least one field to change');

export const Format = z.object({
  format: optional(z.enum(['json', 'xml', 'xlsx'], { error: 'format is json, xml or xlsx' }))
    .meta({ description: 'json (default), xml, or xlsx: the inventory of a fonds\' files (mục lục hồ sơ), for a fonds only' }),
});

/** The description objects, under the field names of circular 02/2019 (description.ts in archive-api). */
const FileDescription = z.strictObject({
  FileCode: z.string(), FileCatalog: z.number().int(), FileNotation: z.string(), Title: z.string(), Maintenance: z.string(), Rights: z.string(),
  Language: z.string(), StartDate: isoDate(), EndDate: isoDate(), KeyWord: z.string(), TotalDoc: z.number().int(), SheetNumber: z.number().int(),
  PageNumber: z.number().int(), Format: z.string(), InforSign: z.string().nullable(), Reliability: z.string(), PaperFileCode: z.string().nullable(),
  BackupRegime: z.string().nullable(), BackupState: z.string().nullable(), Description: z.string().nullable(),
}).meta({ id: 'FileDescription', description: 'An archival file (hồ sơ): the fields of circular 05/2025 under the names of 02/2019' });

export const DocumentDescription = z.strictObject({
  DocCode: z.string().nullable().meta({ description: 'null until the record is filed' }), DocOrdinal: z.number().int().nullable(),
  TypeName: z.string(), CodeNumber: z.string().nullable(), CodeNotation: z.string().nullable(), IssuedDate: isoDate().nullable(),
  OrganName: z.string().nullable(), Subject: z.string(), Language: z.string(), PageAmount: z.number().int(), Description: z.string().nullable(),
  InforSign: z.string().nullable(), KeyWord: z.string(), Mode: z.string(), ConfidenceLevel: z.string(), Autograph: z.string().nullable(), Format: z.string(),
}).meta({ id: 'DocumentDescription', description: 'A document (văn bản) of an archival file' });

const FondsDescription = z.strictObject({
  Identifier: z.string(), OrganId: z.string(), FondName: z.string(), FondHistory: z.string().nullable(), ArchivesTime: z.string().nullable(),
  PaperTotal: z.number().int(), PaperDigital: z.number().int(), KeyGroups: z.string(), OtherTypes: z.string().nullable(), Language: z.string(),
  LookupTools: z.string(), CopyNumber: z.number().int().nullable(), Description: z.string().nullable(), State: z.enum(['open', 'closed']),
  FileTotal: z.number().int(),
}).meta({ description: 'A fonds (phông): one unit\'s archive' });

export const ArchivalFile = z.strictObject({
  id: uuid(), dossierId: uuid(), unitId: uuid(), closedAt: isoTime(), closedBecause: z.enum(['result-issued', 'closed']),
  description: FileDescription, documents: z.array(z.strictObject({ recordId: uuid(), description: DocumentDescription })),
}).meta({ id: 'ArchivalFile' });

const FieldChange = z.strictObject({ field: z.string(), old: z.unknown(), new: z.unknown() });
const FileEdited = z.strictObject({ description: FileDescription, changes: z.array(FieldChange).meta({ description: 'empty when nothing changed' }) })
  .meta({ id: 'FileEdited' });
const DocumentEdited = z.strictObject({ description: DocumentDescription, changes: z.array(FieldChange) }).meta({ id: 'DocumentEdited' });
const RecordDescription = z.strictObject({
  recordId: uuid(), filed: z.boolean().meta({ description: 'false: its dossier is open, the description is derived on the spot' }), description: DocumentDescription,
  fileId: uuid().nullable().meta({ description: 'the archival file it is filed in (GET /archival-files/:id); null while its dossier is open' }),
}).meta({ id: 'RecordDescription' });

const FileHistory = z.strictObject({
  items: z.array(z.strictObject({
    at: isoTime(), actor: z.string(), action: z.enum(['file.closed', 'file.described']),
    changes: z.array(FieldChange).meta({ description: 'each field corrected, its old and new value; empty for file.closed' }),
    because: z.string().nullable().meta({ description: 'file.closed: result-issued or closed' }),
  })),
}).meta({ id: 'FileHistory' });

const FileExport = FileDescription.extend({ Documents: z.array(DocumentDescription) });
const FileDescriptionExport = z.strictObject({ File: FileExport }).meta({ id: 'FileDescriptionExport' });
const FondsDescriptionExport = z.strictObject({ Fond: FondsDescription.extend({ Files: z.array(FileExport) }) }).meta({ id: 'FondsDescriptionExport' });

const XML = 'application/xml';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const file = { id: 'the archival file id' };
const readers = 'who reads records of its unit (records:read)';
const describers = 'archivists, archive leads (records:describe)';

export const descriptionContract = [
  route({
    method: 'post', path: '/api/v1/dossiers/:code/close', tag: 'description', access: 'caller', who: describers, params: { code: 'the dossier code' },
    summary: 'Close a dossier into an archival file (its records become the file\'s documents)',
    responses: { 200: { description: 'the archival file', json: ArchivalFile } }, errors: { 403: '`forbidden`', 404: '`not-found`', 422: '`invalid-input`' },
  }),
  route({
    method: 'get', path: '/api/v1/archival-files/:id', tag: 'description', access: 'caller', who: readers, params: file,
    summary: 'An archival file\'s description and its documents\'', responses: { 200: { description: 'the file', json: ArchivalFile } },
    errors: { 403: '`forbidden`', 404: '`not-found`' },
  }),
  route({
    method: 'patch', path: '/api/v1/archival-files/:id', tag: 'description', access: 'caller', who: describers, params: file,
    summary: 'Correct a file\'s description (old values kept in the audit trail)', body: { json: FileEdit, required: true },
    responses: { 200: { description: 'the description now, and what changed', json: FileEdited } },
    errors: { 403: '`forbidden`', 404: '`not-found`', 422: '`invalid-input` (see `fields`; an unknown field is refused)' },
  }),
  route({
    method: 'get', path: '/api/v1/archival-files/:id/history', tag: 'description', access: 'caller', who: readers, params: file,
    summary: 'A file\'s edit history from the audit trail, newest first: its closing and each correction with old and new values',
    responses: { 200: { description: 'the history', json: FileHistory } }, errors: { 403: '`forbidden`', 404: '`not-found`' },
  }),
  route({
    method: 'get', path: '/api/v1/records/:id/description', tag: 'description', access: 'caller', who: readers, params: { id: 'the record id' },
    summary: 'A record\'s document description', responses: { 200: { description: 'the description', json: RecordDescription } },
    errors: { 403: '`forbidden`', 404: '`not-found`' },
  }),
  route({
    method: 'patch', path: '/api/v1/records/:id/description', tag: 'description', access: 'caller', who: describers, params: { id: 'the record id' },
    summary: 'Correct a record\'s document description (old values kept in the audit trail)', body: { json: DocumentEdit, required: true },
    responses: { 200: { description: 'the description now, and what changed', json: DocumentEdited } },
    errors: { 403: '`forbidden`', 404: '`not-found`', 409: '`not-filed`: close its dossier first', 422: '`invalid-input` (see `fields`)' },
  }),
  route({
    method: 'get', path: '/api/v1/archival-files/:id/description', tag: 'description', access: 'caller', who: readers, params: file, query: Format,
    summary: 'Export a file\'s description as JSON or XML (audited)',
    responses: { 200: { description: 'the file with its documents', json: FileDescriptionExport, also: [XML], headers: { 'Content-Disposition': 'for XML: attachment, `<FileCode>.xml`' } } },
    errors: { 403: '`forbidden`', 404: '`not-found`', 422: '`invalid-input` (xlsx is for a fonds only)' },
  }),
  route({
    method: 'get', path: '/api/v1/fonds/:unit/description', tag: 'description', access: 'caller', who: readers, params: { unit: 'the unit\'s agency code' }, query: Format,
    summary: 'Export a fonds with its files as JSON, XML, or the inventory spreadsheet (audited)',
    responses: { 200: { description: 'the fonds', json: FondsDescriptionExport, also: [XML, XLSX], headers: { 'Content-Disposition': 'for XML and xlsx: attachment, `phong-<unit>.xml|xlsx`' } } },
    errors: { 403: '`forbidden`', 404: '`not-found`', 422: '`invalid-input`' },
  }),
];
