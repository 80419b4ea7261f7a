/** What the dossier, review and clerk-edit routes (dossiers.routes.ts) take and answer. */
import { z } from 'zod';
import { CATALOG_CODE_RULE, catalogCodeInput, optional, UNIT_CODE_RULE, unitCodeInput, uuidInput } from '@sohoa/shared';
import { isoTime, route, uuid } from './openapi/contract.ts';

/** Request bodies and queries: checked before anything reaches SQL, and refused with the field named. */
export const ReviewQuery = z.object({ unit: optional(unitCodeInput).meta({ description: `only this unit's documents. ${UNIT_CODE_RULE}` }) });
export const ComponentEdit = z.object({
  component: catalogCodeInput.meta({ description: `the component the document is. ${CATALOG_CODE_RULE}` }),
  procedure: optional(catalogCodeInput).meta({ description: 'its procedure, when the document or dossier has none yet' }),
});
export const MergeEdit = z.object({ document: uuidInput.meta({ description: 'the document whose pages are appended (same dossier)' }) });
export const SplitEdit = z.object({
  atPage: z.number({ error: 'a page number' }).int('a whole page number').min(2).max(10_000).meta({ description: 'the 1-based page that starts the new document' }),
});
export const PagesEdit = z.object({ pages: z.array(uuidInput, { error: 'the page ids in their new order' }).min(1).max(10_000) });
export const RotateEdit = z.object({
  degrees: z.union([z.literal(90), z.literal(180), z.literal(270)], { error: 'degrees must be 90, 180 or 270 (clockwise)' }).meta({ description: 'clockwise' }),
});

export const DocumentSummary = z.strictObject({
  id: uuid(), position: z.number().int(), kind: z.enum(['document', 'receipt']),
  status: z.string().meta({ description: 'review, matched, built, signed, archived, failed, merged, …' }),
  pages: z.array(uuid()).meta({ description: 'page ids in order' }), title: z.string().nullable(),
  procedure: z.string().nullable(), component: z.string().nullable(), confidence: z.number().nullable(),
  runnerUp: z.strictObject({ procedureCode: z.string(), componentCode: z.string(), confidence: z.number() }).nullable(),
  needsReview: z.boolean(), confirmedBy: z.string().nullable(),
  fields: z.record(z.string(), z.unknown()).meta({ description: 'what was read off the paper: identifiers, names, dates, document number' }),
  explanation: z.array(z.string()).meta({ description: 'why the machine matched it so, in words' }),
  recordId: uuid().nullable(), error: z.string().nullable(), batch: uuid(), dossier: z.string(),
  lowConfidencePages: z.array(uuid()).meta({ description: 'pages the recognizer was unsure of: worth a look' }),
  blankPages: z.array(uuid()).meta({ description: 'blank back sides dropped from the document (kept, not in the PDF)' }),
}).meta({ id: 'Document' });

export const DocumentList = z.strictObject({ documents: z.array(DocumentSummary) }).meta({ id: 'DocumentList' });

export const DossierView = z.strictObject({
  code: z.string(), codeSource: z.enum(['generated', 'given', 'qr']), unit: z.string(), unitName: z.string(),
  procedure: z.string().nullable(), procedureName: z.string().nullable(), ownerIdentifier: z.string().nullable(),
  receivedAt: isoTime(), dueAt: isoTime().nullable(), status: z.string(),
  documents: z.array(DocumentSummary),
  completeness: z.array(z.strictObject({
    code: z.string(), name: z.string(), required: z.boolean(), state: z.enum(['present', 'missing', 'uncertain']), documentIds: z.array(uuid()),
  })).nullable().meta({ description: 'null until the procedure is known' }),
  missing: z.array(z.string()).meta({ description: 'required components with no document' }),
  uncertain: z.array(z.string()).meta({ description: 'components only guessed by documents under review' }),
}).meta({ id: 'Dossier' });

const document = { id: 'the document id' };
const editErrors = {
  403: '`forbidden`: clerks only',
  404: '`not-found`',
  409: '`not-editable`: the document is already built; `other-dossier`, `not-a-component`',
  422: '`invalid-input` (see `fields`), `not-the-same-pages`, `bad-page`, `same-document`, `unknown-component`, `procedure-unknown`',
};
const edited = { 200: { description: 'every document the edit touched, as it now is', json: DocumentList } };

export const dossierContract = [
  route({
    method: 'get', path: '/api/v1/dossiers/:code', tag: 'dossiers', access: 'caller', params: { code: 'the dossier code' },
    summary: 'A dossier: its documents and which components are present, missing or uncertain',
    responses: { 200: { description: 'the dossier', json: DossierView } }, errors: { 404: '`not-found`' },
  }),
  route({
    method: 'get', path: '/api/v1/review', tag: 'dossiers', access: 'caller', query: ReviewQuery,
    summary: 'Documents waiting for a clerk\'s review', responses: { 200: { description: 'oldest first', json: DocumentList } },
    errors: { 422: '`invalid-input`' },
  }),
  route({
    method: 'get', path: '/api/v1/documents/:id', tag: 'dossiers', access: 'caller', params: document,
    summary: 'A document', responses: { 200: { description: 'the document', json: DocumentSummary } }, errors: { 404: '`not-found`' },
  }),
  route({
    method: 'put', path: '/api/v1/documents/:id/component', tag: 'dossiers', access: 'caller', who: 'clerks', params: document,
    summary: 'Say which component a document is (confirm or correct)',
    description: 'Teaches the unit\'s matcher; a document waiting for review goes on to signing; an archived record is corrected.',
    body: { json: ComponentEdit, required: true },
    responses: { 200: { description: 'the document', json: DocumentSummary } }, errors: editErrors,
  }),
  route({
    method: 'post', path: '/api/v1/documents/:id/merge', tag: 'dossiers', access: 'caller', who: 'clerks', params: document,
    summary: 'Append another document\'s pages to this one', body: { json: MergeEdit, required: true }, responses: edited, errors: editErrors,
  }),
  route({
    method: 'post', path: '/api/v1/documents/:id/split', tag: 'dossiers', access: 'caller', who: 'clerks', params: document,
    summary: 'Cut a document in two before a page', body: { json: SplitEdit, required: true }, responses: edited, errors: editErrors,
  }),
  route({
    method: 'put', path: '/api/v1/documents/:id/pages', tag: 'dossiers', access: 'caller', who: 'clerks', params: document,
    summary: 'Put a document\'s pages in a new order', body: { json: PagesEdit, required: true }, responses: edited, errors: editErrors,
  }),
  route({
    method: 'post', path: '/api/v1/documents/:id/reopen', tag: 'dossiers', access: 'caller', who: 'clerks', params: document,
    summary: 'Take back a confirmation before the document is built (undo)',
    description: 'The document waits for review again, with the matcher\'s guess decided afresh; a build the confirmation queued does nothing.',
    responses: { 200: { description: 'the document', json: DocumentSummary } }, errors: editErrors,
  }),
  route({
    method: 'get', path: '/api/v1/pages/:id/thumbnail', tag: 'dossiers', access: 'caller', params: { id: 'the page id (of a document or a dropped blank side)' },
    summary: 'A small image of a page, as cleaned up (WebP, at most 320 px)',
    description: 'Cache-Control private, no-cache with an ETag: a browser asks again and gets 304 until the page is turned.',
    responses: {
      200: { description: 'the thumbnail', media: 'image/webp', headers: { ETag: 'the version of the page image', 'Cache-Control': 'private, no-cache' } },
      304: { description: 'the thumbnail the caller has (If-None-Match) is still the page' },
    },
    errors: { 404: '`not-found`; `object-missing`: the object store lost the page image', 409: '`not-ready`: the page is not cleaned up yet' },
  }),
  route({
    method: 'post', path: '/api/v1/pages/:id/rotate', tag: 'dossiers', access: 'caller', who: 'clerks', params: { id: 'the page id' },
    summary: 'Turn a page (image and word boxes)', body: { json: RotateEdit, required: true }, responses: edited, errors: editErrors,
  }),
];
