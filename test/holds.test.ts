import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../src/http/auth.ts';
import { expectConforms } from './helpers/contract-check.ts';
import { getJson, startTestStack, type TestStack } from './helpers/stack.ts';
import { archivedRecord, backdate } from './helpers/records.ts';

describe('legal holds and the refusal to delete', () => {
  let stack: TestStack;
  let archivist: string;
  const call = async (token: string, method: string, url: string, body?: unknown) => {
    const r = await fetch(`${stack.url}/api/v1${url}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const answer = { status: r.status, contentType: r.headers.get('content-type') ?? '', body: (await r.json()) as any };
    expectConforms(method, `/api/v1${url}`, answer); // every answer here as its contract (the OpenAPI document) says
    return answer;
  };
  beforeAll(async () => {
    stack = await startTestStack({}, { workers: false });
    archivist = await createApiToken(stack.runtime.db, 'archivist-lan', 'archivist');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('an archivist holds a record; nobody deletes or replaces it, on any path; only the archive lead lifts, with a reason', async () => {
    const { recordId } = await archivedRecord(stack.runtime, { procedure: 'CT', component: 'CT-PYC' });
    const { objectKey } = await getJson(`${stack.url}/api/v1/records/${recordId}`, stack.token);
    expect((await call(archivist, 'POST', `/records/${recordId}/hold`, { reason: 'tranh chấp' })).status).toBe(422); // no reference
    const placed = await call(archivist, 'POST', `/records/${recordId}/hold`, { reason: 'tranh chấp đất đai', reference: 'QĐ 12/2026/TA' });
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({ scope: 'record', record: recordId, reason: 'tranh chấp đất đai', reference: 'QĐ 12/2026/TA', placedBy: 'token:archivist-lan' });
    expect(await getJson(`${stack.url}/api/v1/records/${recordId}`, stack.token)).toMatchObject({ onHold: true });

    // Even past its retention, even for admin: 409 with the reason.
    await backdate(stack.runtime, recordId, '2020-12-31');
    for (const token of [archivist, stack.token]) {
      const refused = await call(token, 'DELETE', `/records/${recordId}`);
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({ code: 'on-hold', message: expect.stringContaining('legal hold') });
    }
    // The store itself asks the same guard: a job or a CLI going straight to it is refused too.
    await expect(stack.runtime.store.remove(objectKey)).rejects.toMatchObject({ code: 'on-hold', status: 409 });
    await expect(stack.runtime.store.put(objectKey, Buffer.from('other bytes'))).rejects.toMatchObject({ code: 'on-hold' });
    expect((await stack.runtime.store.stat(objectKey))?.size).toBeGreaterThan(0);

    expect((await call(archivist, 'DELETE', `/records/${recordId}/hold`, { reason: 'xong' })).status).toBe(403); // not the archive lead
    expect((await call(stack.token, 'DELETE', `/records/${recordId}/hold`, {})).status).toBe(422); // no reason
    const lifted = await call(stack.token, 'DELETE', `/records/${recordId}/hold`, { reason: 'bản án có hiệu lực' });
    expect(lifted.status).toBe(200);
    expect(lifted.body).toMatchObject({ lifted: [{ id: placed.body.id, liftedBy: 'token:admin (first start)', liftReason: 'bản án có hiệu lực' }], stillOnHold: [] });
    expect(await getJson(`${stack.url}/api/v1/records/${recordId}`, stack.token)).toMatchObject({ onHold: false });

    // Unheld and past retention: still no way around disposition.
    const due = await call(stack.token, 'DELETE', `/records/${recordId}`);
    expect(due).toMatchObject({ status: 409, body: { error: { code: 'disposition-required' } } });
    await expect(stack.runtime.store.remove(objectKey)).rejects.toMatchObject({ code: 'disposition-required' });
    // The changes and refusals (the test's own reads of the record, audited since isolation, left out).
    const audit = (await stack.runtime.db.query(`SELECT action, actor FROM audit_events WHERE subject_id = $1 AND action <> 'record.read' ORDER BY id`, [recordId])).rows.map((a) => a.action);
    expect(audit).toEqual(['record.archived', 'hold.placed', 'record.delete-refused', 'record.delete-refused', 'hold.lifted', 'record.delete-refused']);
  });

  it('a record still retained is refused with its date; a permanent one as kept permanently', async () => {
    const fixed = await archivedRecord(stack.runtime, { procedure: 'CT', component: 'CT-BC' });
    const refused = await call(stack.token, 'DELETE', `/records/${fixed.recordId}`);
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'retained', message: expect.stringMatching(/retained until \d{4}-12-31/) } } });
    const permanent = await archivedRecord(stack.runtime, { procedure: 'KS', component: 'KS-TK' });
    expect((await call(stack.token, 'DELETE', `/records/${permanent.recordId}`)).body.error.message).toMatch(/permanently/);
  });

  it('a dossier hold covers its records, also those archived later; a result-set hold covers its ids; lifting one leaves the other', async () => {
    const first = await archivedRecord(stack.runtime, { procedure: 'CT', component: 'CT-PYC' });
    const dossierHold = await call(archivist, 'POST', `/dossiers/${first.dossierCode}/hold`, { reason: 'thanh tra', reference: 'CV 45/TTr' });
    expect(dossierHold.status).toBe(201);
    const later = await archivedRecord(stack.runtime, { procedure: 'CT', component: 'CT-BC', dossierId: first.dossierId });
    expect(await getJson(`${stack.url}/api/v1/records/${later.recordId}`, stack.token)).toMatchObject({ onHold: true });

    const set = await call(archivist, 'POST', '/holds', { records: [first.recordId], reason: 'kết quả tìm kiếm', reference: 'YC 7' });
    expect(set.status).toBe(201);
    const covering = await call(archivist, 'GET', `/records/${first.recordId}/holds`);
    expect(covering.body.holds.map((h: { scope: string; dossier: string | null }) => [h.scope, h.dossier])).toEqual([['dossier', first.dossierCode], ['records', null]]);
    const liftDossier = await call(stack.token, 'DELETE', `/dossiers/${first.dossierCode}/hold`, { reason: 'kết thúc thanh tra' });
    expect(liftDossier.status).toBe(200);
    expect(liftDossier.body.stillOnHold).toEqual([first.recordId]); // the result-set hold still covers it
    expect(await getJson(`${stack.url}/api/v1/records/${later.recordId}`, stack.token)).toMatchObject({ onHold: false });
    expect((await call(stack.token, 'DELETE', `/holds/${set.body.id}`, { reason: 'hết' })).status).toBe(200);
    expect(await getJson(`${stack.url}/api/v1/records/${first.recordId}`, stack.token)).toMatchObject({ onHold: false });
  });
});
