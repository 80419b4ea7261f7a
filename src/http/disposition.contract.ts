/** What the disposition routes (disposition.routes.ts) take and answer, with what is left of a disposed record. */
import { z } from 'zod';
import { optional, uuidInput } from '@sohoa/shared';
import { isoDate, isoTime, route, sha256Hex, uuid } from './openapi/contract.ts';

const date = z.string({ error: 'a date YYYY-MM-DD' }).regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
export const Propose = z.object({
  records: z.array(uuidInput, { error: 'the record ids to dispose of' }).min(1).max(10_000).meta({ description: 'due records of one unit (fonds)' }),
  note: optional(z.string().max(2000)),
});
export const Approve = z.object({
  reason: optional(z.string().max(2000)),
  keep: optional(z.array(z.object({
    record: uuidInput, reviewAfter: date.meta({ description: 'a day after today: not disposable before it' }), reason: optional(z.string().max(2000)),
  })).max(10_000)).meta({ description: 'items of the list kept instead, each until its review date' }),
});
export const Reject = z.object({
  reason: z.string({ error: 'a reason is required' }).trim().min(1, 'a reason is required').max(2000),
  reviewAfter: date.meta({ description: 'a day after today: every item is kept until then' }),
});

export const ListsQuery = z.object({
  status: optional(z.enum(['proposed', 'approved', 'rejected', 'executed'], { error: 'status is proposed, approved, rejected or executed' }))
    .meta({ description: 'proposed: awaiting the archive lead; any status when left out' }),
});

const DueRecord = z.strictObject({
  id: uuid(), unitId: uuid(), dossier: z.string().nullable(), title: z.string().nullable(), retainUntil: isoDate(),
  dueSince: isoDate().meta({ description: 'when the nightly scan found it due' }), proposed: z.boolean().meta({ description: 'already in an open list' }),
});
const DueList = z.strictObject({ items: z.array(DueRecord) }).meta({ id: 'DispositionDue' });

export const DispositionList = z.strictObject({
  id: uuid().meta({ description: 'also the id of its destruction minute\'s record' }), unit: uuid(),
  status: z.enum(['proposed', 'approved', 'rejected', 'executed']), note: z.string().nullable(),
  proposedBy: z.string(), proposedAt: isoTime(), decidedBy: z.string().nullable(), decidedAt: isoTime().nullable(), decisionReason: z.string().nullable(),
  executedAt: isoTime().nullable(), minute: uuid().nullable().meta({ description: 'the signed destruction minute\'s record, once carried out' }),
  items: z.array(z.strictObject({
    record: uuid(), decision: z.enum(['pending', 'dispose', 'keep']), reviewAfter: isoDate().nullable(), keepReason: z.string().nullable(),
    outcome: z.enum(['disposed', 'skipped-held', 'skipped-retained', 'skipped-kept']).nullable().meta({ description: 'what the execution did; null before it' }),
  })),
}).meta({ id: 'DispositionList' });

const ListSummary = DispositionList.omit({ items: true }).extend({ itemCount: z.number().int() });
const ListOfLists = z.strictObject({ items: z.array(ListSummary) }).meta({ id: 'DispositionLists' });

const Tombstone = z.strictObject({
  record: uuid(), unit: uuid(), dossier: uuid().nullable(), bucket: z.string(), objectKey: z.string(),
  versionsDeleted: z.array(z.string()).meta({ description: 'the object versions deleted' }), sha256: sha256Hex(), size: z.number().int(),
  metadata: z.record(z.string(), z.unknown()).meta({ description: 'the record\'s metadata as it was' }),
  list: uuid(), proposedBy: z.string(), approvedBy: z.string(), approvedAt: isoTime(), disposedAt: isoTime(),
}).meta({ id: 'Tombstone' });

const list = { id: 'the disposition list id' };
const decide = 'archive leads (disposition:approve), never the one who proposed the list';
const decideErrors = {
  403: '`forbidden`, `proposer-cannot-approve`', 404: '`not-found`', 409: '`already-decided`',
  422: '`invalid-input` (see `fields`; a review date not after today, a kept record not in the list)',
};

export const dispositionContract = [
  route({
    method: 'get', path: '/api/v1/disposition/due', tag: 'disposition', access: 'caller', who: 'archivists (disposition:propose), within their units',
    summary: 'Records whose retention has ended (found by the nightly scan)', responses: { 200: { description: 'earliest end first', json: DueList } },
  }),
  route({
    method: 'post', path: '/api/v1/disposition/lists', tag: 'disposition', access: 'caller', who: 'archivists (disposition:propose)',
    summary: 'Propose a disposition list of due records of one unit', body: { json: Propose, required: true },
    responses: { 201: { description: 'the list, waiting for the archive lead', json: DispositionList } },
    errors: {
      403: '`forbidden`', 404: '`not-found`: a record', 409: '`not-due` (retained, held, kept), `already-proposed`',
      422: '`invalid-input` (see `fields`), `one-fonds`: records of more than one unit',
    },
  }),
  route({
    method: 'get', path: '/api/v1/disposition/lists', tag: 'disposition', access: 'caller', query: ListsQuery,
    who: 'who proposes, approves or reads records, within those units',
    summary: 'Disposition lists, newest first: those awaiting approval (status=proposed), decided and carried out',
    responses: { 200: { description: 'the lists (at most 200), without their items', json: ListOfLists } },
    errors: { 403: '`forbidden`', 422: '`invalid-input`' },
  }),
  route({
    method: 'get', path: '/api/v1/disposition/lists/:id', tag: 'disposition', access: 'caller', params: list,
    who: 'who proposes, approves or reads records in its unit',
    summary: 'A disposition list: its decisions, outcomes and the minute\'s record', responses: { 200: { description: 'the list', json: DispositionList } },
    errors: { 404: '`not-found`' },
  }),
  route({
    method: 'post', path: '/api/v1/disposition/lists/:id/approve', tag: 'disposition', access: 'caller', who: decide, params: list,
    summary: 'Approve a list (keeping some items until a review date); a job carries it out, checking holds again per item',
    body: { json: Approve }, responses: { 200: { description: 'the list, approved', json: DispositionList } }, errors: decideErrors,
  }),
  route({
    method: 'post', path: '/api/v1/disposition/lists/:id/reject', tag: 'disposition', access: 'caller', who: decide, params: list,
    summary: 'Reject a list: every item is kept until the review date', body: { json: Reject, required: true },
    responses: { 200: { description: 'the list, rejected', json: DispositionList } }, errors: decideErrors,
  }),
  route({
    method: 'get', path: '/api/v1/records/:id/tombstone', tag: 'disposition', access: 'caller', who: 'who reads records of its unit (records:read)',
    params: { id: 'the record id' }, summary: 'What is left of a disposed record: its fixity, metadata, and who decided',
    responses: { 200: { description: 'the tombstone', json: Tombstone } }, errors: { 403: '`forbidden`', 404: '`not-found`: no such record, or not disposed of' },
  }),
];
