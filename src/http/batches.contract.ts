/** What the batch and quarantine routes (batches.routes.ts) take and answer. */
import { z } from 'zod';
import {
  CATALOG_CODE_RULE, catalogCodeInput, DOSSIER_CODE_RULE, dossierCodeInput, optional, UNIT_CODE_RULE, unitCodeInput,
} from '@sohoa/shared';
import { isoTime, route, sha256Hex, uuid } from './openapi/contract.ts';

/** The text fields of POST /batches; every code has its shape checked here, and against units/catalog after. */
export const BatchFields = z.object({
  unit: unitCodeInput.meta({ description: `the receiving unit: ${UNIT_CODE_RULE}` }),
  // Without a procedure, the receipt's QR code or the papers themselves tell it (batch.split).
  procedure: optional(catalogCodeInput).meta({ description: `the procedure; else the receipt QR code or the papers tell it. ${CATALOG_CODE_RULE}` }),
  dossier: optional(dossierCodeInput).meta({ description: `the dossier code; else one is made (and gives way to a scanned receipt's). ${DOSSIER_CODE_RULE}` }),
  component: optional(catalogCodeInput).meta({ description: `every paper is this component. ${CATALOG_CODE_RULE}` }),
});

/** The multipart body as the document shows it: the fields above and the files. */
const BatchUpload = BatchFields.extend({
  'files[]': z.array(z.string().meta({ contentMediaType: 'application/octet-stream' })).meta({ description: 'the scans: JPEG, PNG, TIFF or PDF (also accepted as `files`)' }),
});

const instant = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'an ISO 8601 date or time').transform((v) => new Date(v));

export const BatchListQuery = z.object({
  since: optional(instant).meta({ description: 'batches received at or after this ISO 8601 date or time (default: the last 24 hours)' }),
  unit: optional(unitCodeInput).meta({ description: `only this unit's batches. ${UNIT_CODE_RULE}` }),
});

export const QuarantineQuery = z.object({ unit: optional(unitCodeInput).meta({ description: `only this unit's files. ${UNIT_CODE_RULE}` }) });

export const BatchAccepted = z.strictObject({ id: uuid(), dossier: z.string() }).meta({ id: 'BatchAccepted' });

/** A stable code beside the words of a reason (src/http/reason-codes.ts), for a screen to say it in its own language. */
const ReasonCode = z.string().nullable().meta({ description: 'the reason as a stable code (empty-file, not-a-scan, corrupt-file, damaged-pdf, encrypted-pdf, page-too-large, too-many-pages, ocr-failed, build-failed, …); null when no code covers the words' });
const QuarantineRef = z.strictObject({ id: uuid(), reason: z.string(), reasonCode: ReasonCode, quarantinedAt: isoTime(), download: z.string() });

export const BatchView = z.strictObject({
  id: uuid(),
  status: z.enum(['queued', 'processing', 'done', 'failed']),
  unit: z.string(), dossier: z.string(), procedure: z.string().nullable(), component: z.string().nullable(), createdAt: isoTime(),
  split: z.boolean(), error: z.string().nullable(), waitingForReview: z.number().int(),
  files: z.array(z.strictObject({
    id: uuid(), name: z.string(), status: z.string(), error: z.string().nullable(), pages: z.number().int().nullable(),
    blankPages: z.number().int(), pagesDone: z.number().int(), pagesFailed: z.number().int(),
    quarantine: QuarantineRef.nullable().optional(),
  })),
  documents: z.array(z.strictObject({
    id: uuid(), position: z.number().int(), kind: z.enum(['document', 'receipt']), status: z.string(), error: z.string().nullable(),
    pages: z.number().int(), title: z.string().nullable(), procedure: z.string().nullable(), component: z.string().nullable(),
    confidence: z.number().nullable(), runnerUp: z.unknown(), needsReview: z.boolean(), recordId: uuid().nullable(), lowConfidencePages: z.number().int(),
  })),
  records: z.array(z.strictObject({
    id: uuid(), documentId: uuid(), sha256: sha256Hex(), size: z.number().int(), pages: z.number().int(), objectKey: z.string(), createdAt: isoTime(),
  })),
  failures: z.array(z.strictObject({
    kind: z.enum(['batch', 'file', 'page', 'document']), id: uuid(), error: z.string().nullable(), reasonCode: ReasonCode, file: z.string().optional(), page: z.number().int().optional(),
  })),
}).meta({ id: 'BatchView' });

export const BatchList = z.strictObject({ batches: z.array(BatchView) }).meta({ id: 'BatchList' });

export const QuarantinedFile = z.strictObject({
  id: uuid(), name: z.string(), reason: z.string(), reasonCode: ReasonCode, quarantinedAt: isoTime(), batch: uuid().nullable(), unit: z.string().nullable(),
  inboxPath: z.string().nullable(), size: z.number().int(), sha256: sha256Hex(), download: z.string(),
}).meta({ id: 'QuarantinedFile' });

export const QuarantineList = z.strictObject({ files: z.array(QuarantinedFile) }).meta({ id: 'QuarantineList' });

export const batchContract = [
  route({
    method: 'post', path: '/api/v1/batches', tag: 'batches', access: 'caller',
    summary: 'Upload a batch of scans',
    description: 'Codes are checked before anything is stored; files are spooled to disk and streamed to the object store.',
    body: { multipart: BatchUpload, required: true },
    responses: { 202: { description: 'received; the pipeline runs in the background', json: BatchAccepted, headers: { Location: 'the batch' } } },
    errors: {
      400: '`malformed-multipart`, `no-files`, or a multer limit (`limit-field-value`, …)',
      403: '`forbidden`',
      409: '`dossier-of-other-unit`, `no-catalog`',
      413: '`limit-file-size`: a file is larger than MAX_UPLOAD_BYTES',
      422: '`invalid-input`: a field is refused (see `fields`); `unknown-unit`, `unknown-procedure`, `unknown-component`',
      429: '`queue-full`: more files and pages wait to be read than INTAKE_QUEUE_LIMIT, some of them this unit\'s; Retry-After says when to send again',
    },
  }),
  route({
    method: 'get', path: '/api/v1/batches', tag: 'batches', access: 'caller', who: 'clerks, archivists, admins',
    summary: 'The batches received since a time (today\'s work), newest first, each as GET /batches/:id answers it',
    description: 'At most 100 batches, within the caller\'s units.',
    query: BatchListQuery,
    responses: { 200: { description: 'newest first', json: BatchList } },
    errors: { 403: '`forbidden`', 422: '`invalid-input`' },
  }),
  route({
    method: 'get', path: '/api/v1/batches/:id', tag: 'batches', access: 'caller',
    summary: 'A batch with its files, documents, records and failures', params: { id: 'the batch id' },
    responses: { 200: { description: 'the batch', json: BatchView } },
    errors: { 404: '`not-found`' },
  }),
  route({
    method: 'get', path: '/api/v1/quarantine', tag: 'batches', access: 'caller', who: 'clerks, archivists, admins',
    summary: 'Files that could not be taken, with their reason', query: QuarantineQuery,
    responses: { 200: { description: 'newest first', json: QuarantineList } },
    errors: { 403: '`forbidden`', 422: '`invalid-input`' },
  }),
  route({
    method: 'get', path: '/api/v1/quarantine/:id/file', tag: 'batches', access: 'caller', who: 'clerks, archivists, admins',
    summary: 'A quarantined file, as a download', params: { id: 'the quarantined file id' },
    responses: { 200: { description: 'the bytes as received', media: 'application/octet-stream', headers: { Digest: 'sha-256=<base64>' } } },
    errors: { 403: '`forbidden`', 404: '`not-found`; `object-missing`: the object store lost the file' },
  }),
];
