/** What the record routes (records.routes.ts) answer. */
import { z } from 'zod';
import { isoDate, isoTime, route, sha256Hex, uuid } from './openapi/contract.ts';

const Retention = z.union([z.literal('permanent'), z.strictObject({ years: z.number().int() })]);

/**
 * The metadata stored with a record (RecordMetadata in @sohoa/shared). Loose: it is kept as written when the record
 * was archived, so an older record may carry fewer or other keys than today's code writes. A disposition minute
 * (a record the archive makes itself) has no dossier, procedure or component: `kind`, `list` and `disposed` instead.
 */
const RecordMetadata = z.looseObject({
  recordId: uuid(), dossierCode: z.string().optional(), procedureCode: z.string().optional(), componentCode: z.string().nullable().optional(),
  unitCode: z.string(), title: z.string(), sha256: sha256Hex(), retention: Retention, retainUntil: z.string().nullable(), legalHold: z.boolean().optional(),
  kind: z.literal('disposition-minute').optional(), list: uuid().optional().meta({ description: 'a minute: its disposition list' }),
  disposed: z.array(uuid()).optional().meta({ description: 'a minute: the records it destroyed' }),
  componentName: z.string().nullable().optional(), unitName: z.string().optional(), ownerIdentifier: z.string().nullable().optional(),
  documentNumber: z.string().nullable().optional(), fields: z.record(z.string(), z.unknown()).optional(), pageCount: z.number().int().optional(),
  blankPagesDropped: z.number().int().optional(), language: z.string().optional(), digitizedBy: z.string().optional(), digitizedAt: z.string().optional(),
}).meta({ id: 'RecordMetadata' });

export const RecordView = z.strictObject({
  id: uuid(), documentId: uuid().nullable().meta({ description: 'null for a disposition minute (a record the archive made itself)' }),
  kind: z.enum(['document', 'disposition-minute']),
  bucket: z.string(), objectKey: z.string(), sha256: sha256Hex(), size: z.number().int(), pages: z.number().int(),
  retentionYears: z.number().int().nullable().meta({ description: 'null: permanent' }),
  retainUntil: isoDate().nullable().meta({ description: 'the last day it is kept (Vietnam time); null: permanent' }),
  permanent: z.boolean(),
  retentionProvisional: z.boolean().meta({ description: 'counted from archiving while its file is open; fixed when the file closes' }),
  reviewAfter: isoDate().nullable().meta({ description: 'an archive lead kept it from disposition until this day' }),
  legalHold: z.boolean(), onHold: z.boolean().meta({ description: 'a legal hold covers it (the same as legalHold)' }),
  disposedAt: isoTime().nullable(), dossierId: uuid().nullable(),
  metadata: RecordMetadata, createdAt: isoTime(),
}).meta({ id: 'Record' });

const RevocationCheck = z.strictObject({
  status: z.enum(['good', 'revoked', 'unknown', 'not-offered']), revokedAt: isoTime().optional(),
  source: z.string().meta({ description: 'where the answer came from, or why there is none' }), notes: z.array(z.string()).optional(),
});

const SignatureCheck = z.strictObject({
  field: z.string(), signer: z.string(), signingTime: isoTime().nullable(), subFilter: z.string(),
  integrity: z.boolean(), chainTrusted: z.boolean(), validAtSigningTime: z.boolean(), coversWholeDocument: z.boolean(),
  timestamp: z.strictObject({ time: isoTime().nullable(), authority: z.string(), valid: z.boolean(), problems: z.array(z.string()) }).nullable()
    .meta({ description: 'B-T: the signature time-stamp; null for B-B' }),
  revocation: RevocationCheck, problems: z.array(z.string()), notes: z.array(z.string()),
});

export const VerificationReport = z.strictObject({
  recordId: uuid(), valid: z.boolean(), signatures: z.array(SignatureCheck), problems: z.array(z.string()),
  text: z.string().meta({ description: 'the report in words, as `sohoa verify` prints it' }),
}).meta({ id: 'VerificationReport' });

const notFound = { 404: '`not-found`' };
/** The record is there, its PDF is not. */
const pdfGone = { 404: '`not-found`; `object-missing`: the object store lost the PDF', 410: '`record-disposed`: disposition destroyed its PDF (its tombstone says what it was)' };

export const recordContract = [
  route({
    method: 'get', path: '/api/v1/records/:id', tag: 'records', access: 'caller', params: { id: 'the record id' },
    summary: 'A record: object key, fixity, retention, metadata',
    responses: { 200: { description: 'the record', json: RecordView } }, errors: { 403: '`forbidden`', ...notFound },
  }),
  route({
    method: 'delete', path: '/api/v1/records/:id', tag: 'records', access: 'caller', params: { id: 'the record id' },
    summary: 'Always refused: a record leaves the archive only by disposition',
    description: 'The refusal says why (and is in the audit trail): still retained (until when), on legal hold, or due, and then only the disposition job deletes it after the archive lead\'s approval. Even for admin.',
    responses: {},
    errors: { 403: '`forbidden`', ...notFound, 409: '`retained` (until when, or permanently), `file-open`, `kept` (until its review), `on-hold`, `disposition-required`' },
  }),
  route({
    method: 'get', path: '/api/v1/records/:id/pdf', tag: 'records', access: 'caller', params: { id: 'the record id' },
    summary: 'The signed PDF of a record',
    responses: { 200: { description: 'the signed PDF', media: 'application/pdf', headers: { Digest: 'sha-256=<base64 of the record\'s SHA-256>' } } },
    errors: { 403: '`forbidden`', ...pdfGone },
  }),
  route({
    method: 'get', path: '/api/v1/records/:id/verify', tag: 'records', access: 'caller', params: { id: 'the record id' },
    summary: 'Every signature of a record checked',
    description: 'Integrity, chain, validity at signing time, time-stamp and revocation; `valid` and the problems in words.',
    responses: { 200: { description: 'the verification report', json: VerificationReport } }, errors: { 403: '`forbidden`', ...pdfGone },
  }),
];
