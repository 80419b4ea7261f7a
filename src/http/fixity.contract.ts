/** What the fixity routes (fixity.routes.ts) take and answer. */
import { z } from 'zod';
import { optional, UNIT_CODE_RULE, unitCodeInput, uuidInput } from '@sohoa/shared';
import { isoTime, route, uuid } from './openapi/contract.ts';

const statuses = ['intact', 'mismatch', 'missing', 'signature-broken'] as const;

export const ReportQuery = z.object({
  unit: optional(unitCodeInput).meta({ description: `only this unit's records. ${UNIT_CODE_RULE}` }),
  status: optional(z.enum([...statuses, 'unchecked'])).meta({ description: 'only records whose latest check found this' }),
  after: optional(uuidInput).meta({ description: 'the `next` of the page before' }),
  limit: optional(z.coerce.number().int().min(1).max(1000)).meta({ description: 'records a page (default 100)' }),
});
export const RunRequest = z.object({ unit: optional(unitCodeInput).meta({ description: 'only this unit\'s records; default every unit of the caller' }) }).strict();

export const FixityRun = z.strictObject({
  id: uuid(), trigger: z.enum(['schedule', 'request']), requestedBy: z.string(), unitIds: z.array(uuid()).nullable().meta({ description: 'null: every unit' }),
  status: z.enum(['running', 'done']), cursor: uuid().nullable().meta({ description: 'the last record checked (records are walked in id order)' }),
  checked: z.number().int(), failed: z.number().int(), bytes: z.number().int(),
  workingSeconds: z.number().meta({ description: 'time spent reading and checking, not waiting' }), startedAt: isoTime(), finishedAt: isoTime().nullable(),
}).meta({ id: 'FixityRun' });

const detail = z.record(z.string(), z.unknown()).meta({ description: 'what the check found: expected and found digests, signatures' });
const FailedCheck = z.strictObject({ record: uuid(), unit: z.string(), status: z.enum(statuses), checkedAt: isoTime(), run: uuid(), detail });
const LatestCheck = z.strictObject({
  record: uuid(), unit: z.string(), status: z.enum(statuses).nullable().meta({ description: 'null: never checked' }),
  checkedAt: isoTime().nullable(), run: uuid().nullable(), detail,
});

const FixityReport = z.strictObject({
  counts: z.strictObject({
    intact: z.number().int(), mismatch: z.number().int(), missing: z.number().int(), 'signature-broken': z.number().int(), unchecked: z.number().int(),
  }).meta({ description: 'records by their latest check' }),
  items: z.array(LatestCheck).meta({ description: 'in record id order' }),
  next: uuid().nullable().meta({ description: 'pass as `after` for the next page; null on the last' }),
  runs: z.array(FixityRun).meta({ description: 'the 20 latest runs the caller may see' }),
}).meta({ id: 'FixityReport' });
const FixityRunReport = FixityRun.extend({ problems: z.array(FailedCheck).meta({ description: 'the records this run did not find intact' }) })
  .meta({ id: 'FixityRunReport' });

const who = 'who reads records (records:read) or the trail (audit:read) of the units concerned';

export const fixityContract = [
  route({
    method: 'get', path: '/api/v1/fixity', tag: 'fixity', access: 'caller', who, query: ReportQuery,
    summary: 'The latest fixity check of each record, counts per status, recent runs', responses: { 200: { description: 'the report', json: FixityReport } },
    errors: { 403: '`forbidden`', 404: '`not-found`: the unit', 422: '`invalid-input`' },
  }),
  route({
    method: 'post', path: '/api/v1/fixity/runs', tag: 'fixity', access: 'caller', who: 'who reads records (records:read)', body: { json: RunRequest },
    summary: 'Start a fixity run now; a job works it through every record (of the unit)',
    responses: { 202: { description: 'the run, started', json: FixityRun } },
    errors: { 403: '`forbidden`', 404: '`not-found`: the unit', 422: '`invalid-input`' },
  }),
  route({
    method: 'get', path: '/api/v1/fixity/runs/:id', tag: 'fixity', access: 'caller', who, params: { id: 'the run id' },
    summary: 'A fixity run: its progress, and the records it did not find intact', responses: { 200: { description: 'the run', json: FixityRunReport } },
    errors: { 403: '`forbidden`', 404: '`not-found` (also another unit\'s run)' },
  }),
];
