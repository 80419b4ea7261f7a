import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { recordVersionKey, withTransaction } from '@sohoa/shared';
import { appendRecordVersion, disposition, dispositionExecuteJob } from '@sohoa/archive-api';
import { createKeyTransports } from '@sohoa/signer';
import { createApiToken } from '../src/http/auth.ts';
import { expectConforms } from './helpers/contract-check.ts';
import { getJson, nssTrusting, run, startTestStack, type TestStack } from './helpers/stack.ts';
import { archivedRecord, backdate } from './helpers/records.ts';

describe('disposition: proposed, approved by someone else, carried out with holds checked again', () => {
  let stack: TestStack;
  let archivist: string;
  let lead: string;
  const call = async (token: string, method: string, url: string, body?: unknown) => {
    const r = await fetch(`${stack.url}/api/v1${url}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const answer = { status: r.status, contentType: r.headers.get('content-type') ?? '', body: (await r.json()) as any };
    expectConforms(method, `/api/v1${url.split('?')[0]}`, answer); // every answer here as its contract (the OpenAPI document) says
    return answer;
  };
  const execute = (listId: string) =>
    dispositionExecuteJob({ db: stack.runtime.db, store: stack.runtime.store, keys: createKeyTransports({}) }).run({ listId });
  const dueRecord = async () => {
    const fixture = await archivedRecord(stack.runtime, { procedure: 'CT', component: 'CT-PYC' });
    await backdate(stack.runtime, fixture.recordId, '2020-12-31'); // the file closed in 2018, two years kept
    return fixture;
  };
  beforeAll(async () => {
    stack = await startTestStack({}, { workers: false });
    archivist = await createApiToken(stack.runtime.db, 'archivist-lan', 'archivist');
    lead = await createApiToken(stack.runtime.db, 'lead-minh', 'admin');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('deletes only after approval by another person, keeps a tombstone, skips a record held meanwhile, and signs the minute', async () => {
    const [gone, held, kept] = [await dueRecord(), await dueRecord(), await dueRecord()];
    const notDue = await archivedRecord(stack.runtime, { procedure: 'CT', component: 'CT-PYC' });
    expect(await disposition.scanDue(stack.runtime.db)).toMatchObject({ listed: 3 });
    const due = await call(archivist, 'GET', '/disposition/due');
    expect(due.body.items.map((i: any) => i.id).sort()).toEqual([gone.recordId, held.recordId, kept.recordId].sort());

    const early = await call(archivist, 'POST', '/disposition/lists', { records: [notDue.recordId] });
    expect(early).toMatchObject({ status: 409, body: { error: { code: 'not-due', message: expect.stringMatching(/retained until/) } } });
    const proposed = await call(archivist, 'POST', '/disposition/lists', { records: [gone.recordId, held.recordId, kept.recordId], note: 'hết hạn 2020' });
    expect(proposed.status).toBe(201);
    const listId = proposed.body.id;
    expect((await call(archivist, 'POST', '/disposition/lists', { records: [gone.recordId] })).body.error.code).toBe('already-proposed');

    // Nothing happens before approval: the object is still there and cannot be removed.
    const goneKey = (await getJson(`${stack.url}/api/v1/records/${gone.recordId}`, stack.token)).objectKey;
    await expect(stack.runtime.store.remove(goneKey)).rejects.toMatchObject({ code: 'disposition-required' });
    expect((await call(archivist, 'POST', `/disposition/lists/${listId}/approve`, {})).status).toBe(403); // an archivist cannot approve

    const soon = new Date(Date.now() + 400 * 86400_000).toISOString().slice(0, 10);
    const approved = await call(lead, 'POST', `/disposition/lists/${listId}/approve`, { reason: 'Hội đồng xác định giá trị đồng ý', keep: [{ record: kept.recordId, reviewAfter: soon, reason: 'còn giá trị tra cứu' }] });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', decidedBy: 'token:lead-minh', proposedBy: 'token:archivist-lan' });

    // A hold placed after approval: the step that deletes sees it.
    expect((await call(archivist, 'POST', `/records/${held.recordId}/hold`, { reason: 'khiếu nại', reference: 'Đơn 3/2026' })).status).toBe(201);
    const keys = Object.fromEntries(await Promise.all([gone, held, kept].map(async (r) => [r.recordId, (await getJson(`${stack.url}/api/v1/records/${r.recordId}`, stack.token)).objectKey])));
    expect(await execute(listId)).toEqual({ status: 'done' });

    expect(await stack.runtime.store.stat(keys[gone.recordId])).toBeNull();
    expect(await stack.runtime.store.stat(keys[held.recordId])).not.toBeNull();
    expect(await stack.runtime.store.stat(keys[kept.recordId])).not.toBeNull();
    const tombstone = (await call(stack.token, 'GET', `/records/${gone.recordId}/tombstone`)).body;
    expect(tombstone).toMatchObject({ record: gone.recordId, objectKey: keys[gone.recordId], proposedBy: 'token:archivist-lan', approvedBy: 'token:lead-minh', metadata: { dossierCode: gone.dossierCode } });
    expect(tombstone.sha256).toBe((await import('node:crypto')).createHash('sha256').update(gone.bytes).digest('hex'));
    expect(await getJson(`${stack.url}/api/v1/records/${gone.recordId}`, stack.token)).toMatchObject({ disposedAt: expect.any(String) });

    const list = await call(lead, 'GET', `/disposition/lists/${listId}`);
    expect(list.body.status).toBe('executed');
    // Among the lists: carried out, with its minute; none waits for the lead any more.
    const lists = (await call(archivist, 'GET', '/disposition/lists')).body.items;
    expect(lists.find((l: any) => l.id === listId)).toMatchObject({ status: 'executed', itemCount: 3, minute: list.body.minute, proposedBy: 'token:archivist-lan' });
    expect((await call(lead, 'GET', '/disposition/lists?status=proposed')).body.items.map((l: any) => l.id)).not.toContain(listId);
    expect((await call(lead, 'GET', '/disposition/lists?status=gone')).status).toBe(422);
    const outcome = Object.fromEntries(list.body.items.map((i: any) => [i.record, [i.decision, i.outcome]]));
    expect(outcome).toEqual({ [gone.recordId]: ['dispose', 'disposed'], [held.recordId]: ['dispose', 'skipped-held'], [kept.recordId]: ['keep', null] });

    // The minute: a permanent record, signed by the unit, that pdfsig trusts and that names what was destroyed.
    const minute = (await call(stack.token, 'GET', `/records/${list.body.minute}`)).body;
    expect(minute).toMatchObject({ kind: 'disposition-minute', permanent: true, retainUntil: null });
    const pdf = Buffer.from(await (await fetch(`${stack.url}/api/v1/records/${minute.id}/pdf`, { headers: { authorization: `Bearer ${stack.token}` } })).arrayBuffer());
    const file = path.join(stack.dataDir, 'minute.pdf');
    await fs.writeFile(file, pdf);
    const nss = await nssTrusting(path.join(stack.dataDir, 'pki', 'ca.pem'));
    const checked = await run('pdfsig', ['-nssdir', `sql:${nss}`, file]);
    expect(checked.stdout).toContain('Signature is Valid.');
    expect(checked.stdout).toContain('Certificate is Trusted.');
    const text = (await run('pdftotext', [file, '-'])).stdout;
    expect(text).toContain('BIÊN BẢN HỦY TÀI LIỆU');
    expect(text).toContain(gone.recordId);
    expect(text).toMatch(/đang bị phong tỏa/);
    expect((await call(stack.token, 'DELETE', `/records/${minute.id}`)).body.error.message).toMatch(/permanently/);
    await fs.rm(nss, { recursive: true, force: true });

    // The kept record: not due, not proposable, and no later run disposes of it before its review date.
    await disposition.scanDue(stack.runtime.db);
    expect((await call(archivist, 'GET', '/disposition/due')).body.items.map((i: any) => i.id)).not.toContain(kept.recordId);
    expect((await call(archivist, 'POST', '/disposition/lists', { records: [kept.recordId] })).body.error).toMatchObject({ code: 'not-due', message: expect.stringContaining(soon) });
    await stack.runtime.db.query(`UPDATE disposition_items SET decision = 'dispose' WHERE list_id = $1`, [listId]); // even a forged decision
    await stack.runtime.db.query(`UPDATE disposition_lists SET status = 'approved' WHERE id = $1`, [listId]);
    await execute(listId);
    expect(await stack.runtime.store.stat(keys[kept.recordId])).not.toBeNull();
  });

  it('refuses the proposer as approver, and a rejection keeps every item until its review date', async () => {
    const a = await dueRecord();
    const own = await call(lead, 'POST', '/disposition/lists', { records: [a.recordId] });
    expect(own.status).toBe(201);
    expect((await call(lead, 'GET', '/disposition/lists?status=proposed')).body.items.map((l: any) => l.id)).toContain(own.body.id); // awaiting approval
    const self = await call(lead, 'POST', `/disposition/lists/${own.body.id}/approve`, {});
    expect(self).toMatchObject({ status: 403, body: { error: { code: 'proposer-cannot-approve' } } });
    const review = new Date(Date.now() + 800 * 86400_000).toISOString().slice(0, 10);
    expect((await call(stack.token, 'POST', `/disposition/lists/${own.body.id}/reject`, { reviewAfter: review })).status).toBe(422); // no reason
    const rejected = await call(stack.token, 'POST', `/disposition/lists/${own.body.id}/reject`, { reason: 'còn tranh chấp', reviewAfter: review });
    expect(rejected.body).toMatchObject({ status: 'rejected', items: [{ record: a.recordId, decision: 'keep', reviewAfter: review }] });
    expect(await getJson(`${stack.url}/api/v1/records/${a.recordId}`, stack.token)).toMatchObject({ reviewAfter: review });
    expect((await call(archivist, 'POST', '/disposition/lists', { records: [a.recordId] })).status).toBe(409);
    expect((await call(stack.token, 'POST', `/disposition/lists/${own.body.id}/approve`, {})).body.error.code).toBe('already-decided');
  });

  it('deletes every object version of a record long-term validation extended, and neither before approval', async () => {
    const due = await dueRecord();
    const firstKey = (await getJson(`${stack.url}/api/v1/records/${due.recordId}`, stack.token)).objectKey;
    // What record.extend does, without a TSA here: the next version under its own key, the record pointing at it.
    const extended = Buffer.concat([due.bytes, Buffer.from('\n% an incremental update\n')]);
    const secondKey = recordVersionKey(firstKey, 2);
    await stack.runtime.store.put(secondKey, extended, { contentType: 'application/pdf' });
    const state = { level: 'B-LTA' as const, signerCertificateExpires: new Date(), lastTimestampAt: new Date(), lastTimestampExpires: new Date() };
    const sha256 = createHash('sha256').update(extended).digest('hex');
    expect(await withTransaction(stack.runtime.db, (tx) => appendRecordVersion(tx, { recordId: due.recordId, fromVersion: 1, objectKey: secondKey, objectVersionId: null, sha256, size: extended.length, reason: 'extended', state }))).toBe(true);

    await disposition.scanDue(stack.runtime.db);
    const proposed = await call(archivist, 'POST', '/disposition/lists', { records: [due.recordId] });
    expect(proposed.status).toBe(201);
    await expect(stack.runtime.store.remove(firstKey)).rejects.toMatchObject({ code: 'disposition-required' }); // the old version is guarded too
    expect((await call(lead, 'POST', `/disposition/lists/${proposed.body.id}/approve`, { reason: 'hết thời hạn bảo quản' })).status).toBe(200);
    expect(await execute(proposed.body.id)).toEqual({ status: 'done' });
    expect(await stack.runtime.store.stat(firstKey)).toBeNull();
    expect(await stack.runtime.store.stat(secondKey)).toBeNull();
    const tombstone = await getJson(`${stack.url}/api/v1/records/${due.recordId}/tombstone`, stack.token);
    expect(tombstone).toMatchObject({ objectKey: secondKey, sha256 });
    const { rows } = await stack.runtime.db.query(`SELECT detail->'keys' AS keys FROM audit_events WHERE action = 'record.disposed' AND subject_id = $1`, [due.recordId]);
    expect(rows).toEqual([{ keys: [firstKey, secondKey] }]);
  });
});
