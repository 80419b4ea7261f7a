/** What the reuse routes (reuse.routes.ts) take and answer. */
import { z } from 'zod';
import { CATALOG_CODE_RULE, catalogCodeInput, OWNER_IDENTIFIER_RULE, optional, uuidInput } from '@sohoa/shared';
import { isoDate, route, uuid } from './openapi/contract.ts';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD').refine((d) => !Number.isNaN(Date.parse(d)), 'not a date');

/** `component=A&component=B` or `component=A,B`: one or more component codes. */
const components = z.preprocess(
  (v) => (v === undefined ? undefined : (Array.isArray(v) ? v : [v]).flatMap((x) => (typeof x === 'string' ? x.split(',') : [x])).map((x) => (typeof x === 'string' ? x.trim() : x)).filter((x) => x !== '')),
  z.array(catalogCodeInput).min(1).max(50, 'at most 50 components').optional(),
);

/** The query of GET /reuse/results; `owner` is checked first, on its own (400 with the rule). */
export const ReuseQuery = z.object({
  owner: z.string().meta({ description: OWNER_IDENTIFIER_RULE }),
  procedure: optional(catalogCodeInput).meta({ description: `only results of this procedure. ${CATALOG_CODE_RULE}` }),
  component: components.meta({ description: 'only these components (results included): repeat the parameter or separate codes with commas' }),
  issuedAfter: optional(day).meta({ description: 'only papers issued after this day (a paper whose issue date is not known is left out then)' }),
});

export const AttachReused = z.object({
  record: uuidInput.meta({ description: 'the on-file record the dossier takes in place of the paper' }),
  component: optional(catalogCodeInput).meta({ description: `the dossier procedure's component it stands for; default the record's own. ${CATALOG_CODE_RULE}` }),
});

const signature = z.enum(['valid', 'revoked', 'invalid']).meta({
  description: 'verified now (cached a few minutes per record and object): `valid`; `revoked`: a signer\'s certificate is revoked; `invalid`: bytes changed, untrusted, unsigned or revocation not checkable',
});

export const ReuseResults = z.strictObject({
  owner: z.string(),
  results: z.array(z.strictObject({
    recordId: uuid(), dossier: z.string().meta({ description: 'the dossier code it was digitized in' }),
    procedure: z.string(), component: z.string(), componentName: z.string().nullable(),
    documentNumber: z.string().nullable(), issuedAt: isoDate().nullable().meta({ description: 'the day it was issued, where known' }),
    pages: z.number().int(), signature, retainUntil: isoDate().nullable().meta({ description: 'kept until this day; null: permanently' }),
    pdf: z.string().meta({ description: 'the signed PDF: GET this path (reuse:read, X-Purpose)' }),
  })),
}).meta({ id: 'ReuseResults' });

const OnFile = z.strictObject({ recordId: uuid(), dossier: z.string(), unit: z.string(), issuedAt: isoDate().nullable(), retainUntil: isoDate().nullable() });

export const Completeness = z.strictObject({
  dossier: z.string(), procedure: z.string().nullable(), owner: z.string().nullable(),
  components: z.array(z.strictObject({
    code: z.string(), name: z.string(), required: z.boolean(),
    state: z.enum(['present', 'uncertain', 'missing', 'reused']).meta({ description: 'scanned into the dossier (present; uncertain while in review), missing, or reused: the dossier took an on-file record instead' }),
    documentIds: z.array(uuid()), reusedRecordId: uuid().nullable(),
    onFile: z.array(OnFile).meta({ description: 'the owner\'s records of this component with a valid signature, in the units the caller reads' }),
  })),
  onFile: z.array(z.strictObject({ component: z.string(), records: z.array(uuid()) }))
    .meta({ description: 'required components the dossier lacks that are on file in reusable form, with the record ids' }),
  mustBring: z.array(z.string()).meta({ description: 'required components the dossier lacks with nothing reusable on file: the citizen brings them' }),
}).meta({ id: 'DossierCompleteness' });

const reuseErrors = {
  400: '`invalid-identifier`: the owner is not a 12-digit personal identification number or an organization\'s code (the reason says which shapes are taken)',
  403: '`forbidden`: the caller does not hold reuse:read', 422: '`invalid-input`: a procedure, component or date of the wrong shape',
  428: '`purpose-required`: send X-Purpose naming the procedure the result is reused for', 429: '`rate-limited`: Retry-After says when to try again',
};

export const reuseContract = [
  route({
    method: 'get', path: '/api/v1/reuse/results', tag: 'reuse', access: 'caller', who: 'other systems\' keys holding reuse:read (within their units), admin', query: ReuseQuery,
    summary: 'An owner\'s digitized components and results that are still valid, each with its signature verified now',
    description: 'Records of a known component, not disposed of, not past their retain-until, in the units the key reads. Needs X-Purpose; every lookup is in the audit trail (key, purpose, owner) and counted as a reuse. Rate limited per key.',
    responses: { 200: { description: 'the owner\'s results', json: ReuseResults } }, errors: reuseErrors,
  }),
  route({
    method: 'get', path: '/api/v1/reuse/results/:recordId/pdf', tag: 'reuse', access: 'caller', who: 'reuse:read within the record\'s unit', params: { recordId: 'a record id from a lookup' },
    summary: 'The signed PDF of a reusable record (audited and counted as a download)',
    responses: { 200: { description: 'the signed PDF', media: 'application/pdf', headers: { Digest: 'sha-256=<base64 of the record\'s SHA-256>' } } },
    errors: { 403: reuseErrors[403], 404: '`not-found`: no reusable record with that id in the caller\'s units; `object-missing`: the object store lost its PDF', 428: reuseErrors[428], 429: reuseErrors[429] },
  }),
  route({
    method: 'get', path: '/api/v1/dossiers/:code/completeness', tag: 'reuse', access: 'caller', who: 'dossiers:read within the dossier\'s unit', params: { code: 'the dossier code' },
    summary: 'Which required components a dossier has, which are on file for its owner in reusable form, which the citizen must bring',
    description: 'On-file records are searched in the units where the caller holds records:read or reuse:read; only a valid signature makes one reusable.',
    responses: { 200: { description: 'the completeness', json: Completeness } }, errors: { 403: '`forbidden`', 404: '`not-found`' },
  }),
  route({
    method: 'post', path: '/api/v1/dossiers/:code/reused', tag: 'reuse', access: 'caller', who: 'clerks (review:write) of the dossier\'s unit', params: { code: 'the dossier code' },
    summary: 'The dossier takes an on-file record in place of a paper', body: { json: AttachReused, required: true },
    description: 'The record must be the dossier owner\'s, reusable, validly signed and readable by the caller (records:read or reuse:read). Counted as a reuse (kind dossier). Taking a component again changes nothing.',
    responses: { 200: { description: 'the completeness after it', json: Completeness } },
    errors: { 403: '`forbidden`', 404: '`not-found`: the dossier, or no reusable record of its owner with that id', 409: '`owner-unknown`, `signature-not-valid`', 422: '`invalid-input`, `unknown-component`' },
  }),
];
