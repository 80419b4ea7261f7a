/**
 * A record whose object the store no longer has: lost, or removed under the S3 endpoint behind the archive's back.
 * The routes that hand out stored bytes say so in words (404 `object-missing`), and a record that disposition
 * destroyed says that instead (410 `record-disposed`); neither is a bare 500. The object is deleted from the real
 * (embedded) S3 endpoint's disk, so the endpoint itself answers NoSuchKey.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signatureChecker } from '@sohoa/archive-api';
import { apiKeys, operatorCaller } from '../src/accounts/index.ts';
import { expectConforms } from './helpers/contract-check.ts';
import { s3ObjectFile } from './helpers/archived-records.ts';
import { archivedRecord } from './helpers/records.ts';
import { startTestStack, type TestStack } from './helpers/stack.ts';

describe('a record whose stored PDF is missing', () => {
  let stack: TestStack;
  let lost: string;
  let disposed: string;
  let reuseSecret: string;

  const call = async (token: string, url: string, headers: Record<string, string> = {}) => {
    const r = await fetch(`${stack.url}/api/v1${url}`, { headers: { authorization: `Bearer ${token}`, ...headers } });
    const contentType = r.headers.get('content-type') ?? '';
    const answer = { status: r.status, contentType, etag: r.headers.get('etag'), body: contentType.includes('json') ? ((await r.json()) as any) : await r.arrayBuffer() };
    expectConforms('GET', `/api/v1${url.split('?')[0]}`, answer); // the status and the error shape are what the contract says
    return answer;
  };
  /** Removes the object's file under the S3 endpoint (s3rver keeps one file per object). */
  const loseObject = async (recordId: string) => {
    const { rows: [row] } = await stack.runtime.db.query<{ object_key: string }>('SELECT object_key FROM records WHERE id = $1', [recordId]);
    await fs.rm(s3ObjectFile(stack.dataDir, stack.runtime.store.bucket, row!.object_key));
    expect(await stack.runtime.store.stat(row!.object_key)).toBeNull();
  };

  beforeAll(async () => {
    stack = await startTestStack({}, { workers: false });
    lost = (await archivedRecord(stack.runtime, { procedure: 'CT', component: 'CT-PYC' })).recordId;
    disposed = (await archivedRecord(stack.runtime, { procedure: 'CT', component: 'CT-PYC' })).recordId;
    // Before the loss, the PDF is served: the 404 below is the loss, not a route that never worked.
    expect((await call(stack.token, `/records/${lost}/pdf`)).status).toBe(200);
    await loseObject(lost);
    // What the disposition job leaves (archive.repository.ts markDisposed): the row, its object gone.
    await stack.runtime.db.query('UPDATE records SET disposed_at = now() WHERE id = $1', [disposed]);
    await loseObject(disposed);
    reuseSecret = (await apiKeys.createKey(stack.runtime.db, operatorCaller(), { name: 'he-thong-mat', unitCodes: ['000.00.00.H00'], scopes: ['reuse:read'] })).secret;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('answers the PDF, its verification and its bag with 404 object-missing, naming the record', async () => {
    for (const url of [`/records/${lost}/pdf`, `/records/${lost}/verify`, `/records/${lost}/bag`]) {
      const answer = await call(stack.token, url);
      expect(answer.status, url).toBe(404);
      expect(answer.body.error, url).toMatchObject({ code: 'object-missing', message: `the signed PDF of record ${lost} is missing from the object store` });
    }
  });

  it('audits only a delivered PDF as read: the lost one\'s 404 leaves no record.content-read row', async () => {
    const reads = async (recordId: string) => (await stack.runtime.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_events WHERE action = 'record.content-read' AND subject_id = $1", [recordId],
    )).rows[0]!.n;
    expect(await reads(lost)).toBe(1); // the download before the loss (beforeAll): the count below sees such rows
    for (let i = 0; i < 3; i++) expect((await call(stack.token, `/records/${lost}/pdf`)).status).toBe(404);
    expect(await reads(lost)).toBe(1);
    const kept = (await archivedRecord(stack.runtime, { procedure: 'CT', component: 'CT-PYC' })).recordId;
    expect((await call(stack.token, `/records/${kept}/pdf`)).status).toBe(200);
    expect(await reads(kept)).toBe(1);
  });

  it('answers a disposed record\'s PDF and bag with 410 record-disposed, pointing at its tombstone', async () => {
    for (const url of [`/records/${disposed}/pdf`, `/records/${disposed}/verify`, `/records/${disposed}/bag`]) {
      const answer = await call(stack.token, url);
      expect(answer.status, url).toBe(410);
      expect(answer.body.error.code, url).toBe('record-disposed');
    }
    expect((await call(stack.token, `/records/${disposed}/pdf`)).body.error.message).toContain(`tombstone (records/${disposed}/tombstone)`);
  });

  it('answers a page thumbnail and a quarantined file whose bytes are gone with 404 object-missing', async () => {
    const { db, store } = stack.runtime;
    const fixture = await archivedRecord(stack.runtime, { procedure: 'CT', component: 'CT-PYC' });
    const { rows: [{ batch_id: batchId }] } = await db.query<{ batch_id: string }>('SELECT batch_id FROM documents WHERE id = $1', [fixture.documentId]);
    // A page as the cleanup leaves it (its cleaned image's key), and a file the intake refused: rows and objects, then the objects lost.
    const imageKey = `work/batches/${batchId}/pages/lost.png`;
    const quarantineKey = `quarantine/batches/${batchId}/0-lost.tif`;
    await store.put(imageKey, Buffer.from('not kept'));
    await store.put(quarantineKey, Buffer.from('not kept'));
    const { rows: [file] } = await db.query<{ id: string }>(
      `INSERT INTO batch_files (batch_id, position, name, size, sha256, object_key, status) VALUES ($1, 0, 'lost.tif', 8, $2, $3, 'quarantined') RETURNING id`,
      [batchId, '0'.repeat(64), quarantineKey],
    );
    const { rows: [pageRow] } = await db.query<{ id: string }>(
      `INSERT INTO pages (file_id, batch_id, page_index, source_key, status, image_key) VALUES ($1, $2, 0, $3, 'done', $3) RETURNING id`, [file!.id, batchId, imageKey],
    );
    const { rows: [quarantined] } = await db.query<{ id: string }>(
      `INSERT INTO quarantined_files (batch_id, file_id, unit_code, name, size, sha256, object_key, reason) VALUES ($1, $2, '000.00.00.H00', 'lost.tif', 8, $3, $4, 'not an image or PDF') RETURNING id`,
      [batchId, file!.id, '0'.repeat(64), quarantineKey],
    );
    await store.remove(imageKey);
    await store.remove(quarantineKey);

    const thumbnail = await call(stack.token, `/pages/${pageRow!.id}/thumbnail`);
    expect(thumbnail.status).toBe(404);
    // no cache may keep the error as the image: the answer does not carry the image's ETag (express tags the JSON itself)
    expect(thumbnail.etag).not.toBe(`"${createHash('sha256').update(imageKey).digest('base64url').slice(0, 22)}"`);
    expect(thumbnail.body.error).toMatchObject({ code: 'object-missing', message: `the image of page ${pageRow!.id} is missing from the object store` });
    const download = await call(stack.token, `/quarantine/${quarantined!.id}/file`);
    expect(download.status).toBe(404);
    expect(download.body.error).toMatchObject({ code: 'object-missing', message: `quarantined file ${quarantined!.id} is missing from the object store` });
  });

  it('answers the reuse API\'s download with 404 object-missing; a lookup counts the lost PDF as not valid instead of failing', async () => {
    const purpose = { 'x-purpose': encodeURIComponent('Kiểm tra hồ sơ') };
    const download = await call(reuseSecret, `/reuse/results/${lost}/pdf`, purpose);
    expect(download.status).toBe(404);
    expect(download.body.error).toMatchObject({ code: 'object-missing', message: `the signed PDF of record ${lost} is missing from the object store` });
    const { rows: [row] } = await stack.runtime.db.query<{ sha256: string; object_key: string }>('SELECT sha256, object_key FROM records WHERE id = $1', [lost]);
    const verify = () => Promise.reject(new Error('nothing to verify: there are no bytes'));
    expect(await signatureChecker({ ttlMs: 0 }).statuses(stack.runtime.store, [{ id: lost, ...row! }], verify)).toEqual(['invalid']);
  });
});
