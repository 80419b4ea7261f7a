/** What the legal-hold routes (holds.routes.ts) take and answer. */
import { z } from 'zod';
import { uuidInput } from '@sohoa/shared';
import { isoTime, route, uuid } from './openapi/contract.ts';

const text = (what: string, max: number) => z.string({ error: `${what} is required` }).trim().min(1, `${what} is required`).max(max);
export const PlaceHold = z.object({
  reason: text('a reason', 2000),
  reference: text('a reference (court order, inspection, letter)', 500).meta({ description: 'the court order, inspection or letter behind the hold' }),
});
export const LiftHold = z.object({ reason: text('a reason', 2000) });
export const PlaceSetHold = PlaceHold.extend({ records: z.array(uuidInput, { error: 'the record ids of the result set' }).min(1).max(100_000) });

export const HoldView = z.strictObject({
  id: uuid(), scope: z.enum(['record', 'dossier', 'records']),
  record: uuid().nullable().meta({ description: 'scope record: the record' }),
  dossier: z.string().nullable().meta({ description: 'scope dossier: the dossier\'s code (the hold covers its archival file, also records archived later)' }),
  records: z.array(uuid()).nullable().meta({ description: 'scope records: the result set\'s record ids' }),
  reason: z.string(), reference: z.string(), placedBy: z.string(), placedAt: isoTime(),
  liftedBy: z.string().nullable(), liftedAt: isoTime().nullable(), liftReason: z.string().nullable(),
}).meta({ id: 'LegalHold' });
const HoldsLifted = z.strictObject({
  lifted: z.array(HoldView),
  stillOnHold: z.array(uuid()).meta({ description: 'records another hold (their dossier\'s, a result set\'s) still covers' }),
}).meta({ id: 'LegalHoldsLifted' });
const HoldList = z.strictObject({ holds: z.array(HoldView) }).meta({ id: 'LegalHoldList' });

const record = { id: 'the record id' };
const dossier = { code: 'the dossier code' };
const placers = 'archivists, archive leads (holds:place)';
const lifters = 'archive leads (holds:lift)';
const placeErrors = { 403: '`forbidden`', 404: '`not-found`', 422: '`invalid-input`: a reason and a reference are required' };
const liftErrors = { 403: '`forbidden`', 404: '`not-found`, `not-held`: no active hold there', 422: '`invalid-input`: a reason is required' };
const placed = { 201: { description: 'the hold', json: HoldView } };
const lifted = { 200: { description: 'the holds lifted, and the records still held otherwise', json: HoldsLifted } };

export const holdContract = [
  route({
    method: 'post', path: '/api/v1/records/:id/hold', tag: 'holds', access: 'caller', who: placers, params: record,
    summary: 'Place a legal hold on a record: nothing deletes or changes it until lifted', body: { json: PlaceHold, required: true },
    responses: placed, errors: placeErrors,
  }),
  route({
    method: 'delete', path: '/api/v1/records/:id/hold', tag: 'holds', access: 'caller', who: lifters, params: record,
    summary: 'Lift the holds placed on the record itself, with a reason', body: { json: LiftHold, required: true },
    responses: lifted, errors: liftErrors,
  }),
  route({
    method: 'get', path: '/api/v1/records/:id/holds', tag: 'holds', access: 'caller', who: 'who reads the record (records:read)', params: record,
    summary: 'The active holds covering a record (its own, its dossier\'s, result sets\')', responses: { 200: { description: 'the holds', json: HoldList } },
    errors: { 403: '`forbidden`', 404: '`not-found`' },
  }),
  route({
    method: 'post', path: '/api/v1/dossiers/:code/hold', tag: 'holds', access: 'caller', who: placers, params: dossier,
    summary: 'Place a legal hold on a dossier (its archival file): every record of it, also those archived later', body: { json: PlaceHold, required: true },
    responses: placed, errors: placeErrors,
  }),
  route({
    method: 'delete', path: '/api/v1/dossiers/:code/hold', tag: 'holds', access: 'caller', who: lifters, params: dossier,
    summary: 'Lift the holds placed on a dossier, with a reason', body: { json: LiftHold, required: true },
    responses: lifted, errors: liftErrors,
  }),
  route({
    method: 'post', path: '/api/v1/holds', tag: 'holds', access: 'caller', who: placers,
    summary: 'Place one legal hold on a result set of records', body: { json: PlaceSetHold, required: true },
    responses: placed, errors: placeErrors,
  }),
  route({
    method: 'delete', path: '/api/v1/holds/:id', tag: 'holds', access: 'caller', who: `${lifters} of every record it covers`, params: { id: 'the hold id' },
    summary: 'Lift one hold by its id (how a result-set hold is lifted), with a reason', body: { json: LiftHold, required: true },
    responses: lifted, errors: liftErrors,
  }),
];
