/** What the audit-trail routes (audit.routes.ts) take and answer. */
import { z } from 'zod';
import { optional, textInput } from '@sohoa/shared';
import { isoTime, route, sha256Hex, uuid } from './openapi/contract.ts';

const instant = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'an ISO 8601 date or time').transform((v) => new Date(v));

export const auditListQuery = z.object({
  subject: optional(textInput(200)).meta({ description: 'the subject\'s id (a record id, a dossier code, …)' }),
  subjectType: optional(textInput(40)).meta({ description: '`record`, `dossier`, `archival-file`, `export`, …' }),
  actor: optional(textInput(200)).meta({ description: 'who acted, as the trail names them (`user:lan`, `key:portal`)' }),
  from: optional(instant).meta({ description: 'events at or after this ISO 8601 date or time' }),
  to: optional(instant).meta({ description: 'events before this ISO 8601 date or time' }),
  cursor: optional(textInput(100)).meta({ description: 'the `next` of the page before' }),
  limit: optional(z.coerce.number().int().min(1).max(500)).meta({ description: 'events a page (default 50)' }),
});

export const AuditEvent = z.strictObject({
  id: z.string().regex(/^\d+$/).meta({ description: 'the row id (a 64-bit integer, as a decimal string)' }),
  seq: z.number().int().meta({ description: 'its place in the hash chain' }),
  at: isoTime(), actor: z.string(), action: z.string().meta({ description: '`record.read`, `hold.placed`, `export.downloaded`, …' }),
  subjectType: z.string(), subjectId: z.string(), detail: z.record(z.string(), z.unknown()),
  unitId: uuid().nullable(), purpose: z.string().nullable().meta({ description: 'a system\'s X-Purpose' }),
  hash: sha256Hex().meta({ description: 'SHA-256 over the previous row\'s hash and this row' }),
}).meta({ id: 'AuditEvent' });
const AuditPage = z.strictObject({
  items: z.array(AuditEvent), next: z.string().nullable().meta({ description: 'the cursor of the next page; null on the last' }),
}).meta({ id: 'AuditPage' });

const ChainHead = z.strictObject({ seq: z.number().int(), hash: sha256Hex(), at: isoTime() });
const ChainReport = z.strictObject({
  intact: z.boolean(), rows: z.number().int().meta({ description: 'rows checked' }), last: ChainHead.nullable(),
  storedHead: ChainHead.extend({ key: z.string() }).nullable().meta({ description: 'the last head written to the object store' }),
  problems: z.array(z.strictObject({
    kind: z.enum(['changed', 'deleted', 'inserted', 'unchained', 'truncated']), seq: z.number().int().nullable(), id: z.string().nullable(), message: z.string(),
  })).meta({ description: 'the first problems in chain order, the first bad row first' }),
  problemCount: z.number().int(),
}).meta({ id: 'AuditChainReport' });
const HeadWritten = z.strictObject({
  head: ChainHead.nullable().meta({ description: 'null: no audit row yet' }), written: z.boolean().meta({ description: 'false: that head was already there' }),
  key: z.string().nullable().meta({ description: 'its object key' }),
}).meta({ id: 'AuditHeadWritten' });

const auditors = 'auditors (audit:read), admins';

export const auditContract = [
  route({
    method: 'get', path: '/api/v1/audit', tag: 'audit', access: 'caller', who: `${auditors}; limited to the units where the caller reads the trail`, query: auditListQuery,
    summary: 'Audit events, newest first, page by page', responses: { 200: { description: 'a page of events', json: AuditPage } },
    errors: { 403: '`forbidden`', 422: '`invalid-input` (a bad cursor among them)' },
  }),
  route({
    method: 'get', path: '/api/v1/audit/verify', tag: 'audit', access: 'caller', who: auditors,
    summary: 'The hash chain checked: intact, or the first bad rows', responses: { 200: { description: 'the report', json: ChainReport } },
    errors: { 403: '`forbidden`' },
  }),
  route({
    method: 'post', path: '/api/v1/audit/heads', tag: 'audit', access: 'caller', who: auditors,
    summary: 'Write the chain\'s end to the object store now', responses: { 200: { description: 'the head', json: HeadWritten } },
    errors: { 403: '`forbidden`' },
  }),
];
