/** What the report routes (reports.routes.ts) take and answer: the digitization rate (docs/digitization-rate.md). */
import { z } from 'zod';
import { optional, UNIT_CODE_RULE, unitCodeInput } from '@sohoa/shared';
import { digitizationGroupings, PIPELINE_HOURS, pipelineStages } from '@sohoa/archive-api';
import { isoTime, route } from './openapi/contract.ts';

const day = (what: string) => z.preprocess(
  (v) => (typeof v === 'string' ? v.trim() : v),
  z.string({ error: (issue) => (issue.input === undefined ? 'required' : 'must be text') })
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
    .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'not a real date'),
).meta({ description: `${what} (a day of the Vietnam calendar, inclusive)` });

export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const DigitizationQuery = z.object({
  unit: optional(unitCodeInput).meta({ description: `the unit reported on, with every unit below it the caller reaches; default every unit the caller reaches. ${UNIT_CODE_RULE}` }),
  from: day('the first day'),
  to: day('the last day'),
  groupBy: optional(z.enum(digitizationGroupings, { error: `one of ${digitizationGroupings.join(', ')}` })).meta({ description: 'the period of a row: day, month (default), quarter or year' }),
  by: optional(z.enum(['procedure'], { error: 'by=procedure, or nothing' })).meta({ description: '`procedure`: one row per unit, period and procedure (with a `procedure` field), only where dossiers were received' }),
  format: optional(z.enum(['json', 'csv', 'xlsx'], { error: 'one of json, csv, xlsx' })).meta({ description: 'instead of the Accept header: json, csv (text/csv) or xlsx (the inspectors\' workbook)' }),
});

export const TargetInput = z.object({
  target: z.number({ error: 'a share from 0 to 1, e.g. 0.85' }).min(0, 'at least 0').max(1, 'at most 1 (a share, not a percentage)')
    .refine((t) => Math.abs(t * 1000 - Math.round(t * 1000)) < 1e-9, 'at most three decimals (0.855)')
    .meta({ description: 'the share of received dossiers whose required components must be digitized (0.8 = 80 %)' }),
});

const rate = (what: string) => z.number().min(0).max(1).nullable().meta({ description: `${what}, rounded half up to 4 decimals; null when its denominator is 0` });
export const DigitizationRow = z.strictObject({
  unit: z.string().meta({ description: 'the unit\'s code; its figures cover it and every unit below it' }),
  unitName: z.string(),
  period: z.string().meta({ description: '`2026-11-05`, `2026-11`, `2026-Q4` or `2026` (Vietnam calendar)' }),
  procedure: z.string().nullable().optional().meta({ description: 'by=procedure only: the procedure code; null for dossiers whose procedure is not known yet' }),
  received: z.number().int().min(0).meta({ description: 'dossiers received in the period' }),
  componentsDigitized: z.number().int().min(0).meta({ description: 'of those, the dossiers each of whose required components has a record archived' }),
  resultsDigitized: z.number().int().min(0).meta({ description: 'of those, the dossiers whose result has a record archived' }),
  reused: z.number().int().min(0).meta({ description: 'of those, the dossiers whose digitized result was reused by another dossier or system' }),
  rate: rate('componentsDigitized / received: the rate held against the target'),
  resultsRate: rate('resultsDigitized / received'),
  reuseRate: rate('reused / resultsDigitized'),
  target: z.number().min(0).max(1).meta({ description: 'the unit\'s target (default 0.8)' }),
  met: z.boolean().nullable().meta({ description: 'rate ≥ target, compared exactly; null when nothing was received' }),
}).meta({ id: 'DigitizationRow' });
export const DigitizationReport = z.strictObject({ rows: z.array(DigitizationRow) }).meta({ id: 'DigitizationReport' });
export const TargetSet = z.strictObject({
  unit: z.string(), target: z.number().min(0).max(1), previous: z.number().min(0).max(1),
}).meta({ id: 'DigitizationTargetSet' });

export const PipelineQuery = z.object({
  unit: optional(unitCodeInput).meta({ description: `the unit, with every unit below it the caller reaches; default every unit the caller reaches. ${UNIT_CODE_RULE}` }),
});
const pages = z.number().int().min(0);
export const PipelineRow = z.strictObject({
  unit: z.string().meta({ description: 'the unit\'s code; its figures cover it and every unit below it' }),
  unitName: z.string(),
  waiting: z.strictObject(Object.fromEntries(pipelineStages.map((s) => [s, pages])) as Record<(typeof pipelineStages)[number], typeof pages>)
    .meta({ description: 'pages waiting now: ocr (cleanup and reading), review (the clerk), building (the PDF), signing, archiving' }),
  archived: z.array(z.strictObject({ hour: isoTime().meta({ description: 'the hour\'s start' }), pages }))
    .meta({ description: `pages archived in each of the last ${PIPELINE_HOURS} hours, oldest first, the current hour last` }),
  pagesPerHour: z.number().min(0).meta({ description: `pages archived over the last ${PIPELINE_HOURS} hours, per hour` }),
}).meta({ id: 'PipelineRow' });
export const PipelineReport = z.strictObject({ rows: z.array(PipelineRow) }).meta({ id: 'PipelineReport' });

export const reportContract = [
  route({
    method: 'get', path: '/api/v1/reports/digitization', tag: 'reports', access: 'caller',
    who: 'unit-admins, archivists, archive leads, auditors of the unit or above; admins; keys with reports:read at the unit (reports:read)',
    summary: 'The digitization rate per unit (rolled up) and period, with the target and whether it is met',
    description: 'Definitions: docs/digitization-rate.md. `Accept: text/csv` (or format=csv) gives CSV with the rows\' field names as header; '
      + `\`Accept: ${XLSX}\` (or format=xlsx) the inspectors' workbook (Vietnamese headings; a summary sheet and a per-procedure sheet).`,
    query: DigitizationQuery,
    responses: { 200: { description: 'the rows', json: DigitizationReport, also: ['text/csv', XLSX], headers: { 'Content-Disposition': 'for CSV and xlsx: attachment, `so-hoa-<from>-<to>.csv|xlsx`' } } },
    errors: { 403: '`forbidden`', 404: '`not-found`: no such unit, or not one the caller reaches', 422: '`invalid-input` (see `fields`), `report-too-large`' },
  }),
  route({
    method: 'put', path: '/api/v1/units/:code/digitization-target', tag: 'reports', access: 'caller', params: { code: 'the unit\'s agency code' },
    who: 'admins; unit-admins of a unit above it (targets:set): a unit never sets its own',
    summary: 'Set a unit\'s digitization-rate target (audited with the old value)', body: { json: TargetInput, required: true },
    responses: { 200: { description: 'the new target and the one it replaced', json: TargetSet } },
    errors: { 403: '`forbidden`', 404: '`not-found`', 422: '`invalid-input` (see `fields`)' },
  }),
  route({
    method: 'get', path: '/api/v1/reports/pipeline', tag: 'reports', access: 'caller',
    who: 'unit-admins, archivists, archive leads, auditors of the unit or above; admins; keys with reports:read at the unit (reports:read)',
    summary: 'The queue and throughput per unit (rolled up): pages waiting at each stage, pages archived per hour',
    description: 'Counts only, not audited. A page waits at ocr until it is read, then at the stage of its document.',
    query: PipelineQuery,
    responses: { 200: { description: 'the rows, units in tree order', json: PipelineReport } },
    errors: { 403: '`forbidden`', 404: '`not-found`: no such unit, or not one the caller reaches', 422: '`invalid-input`' },
  }),
];
