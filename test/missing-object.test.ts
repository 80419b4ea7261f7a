/**
 * A record whose object the store no longer has: lost, or removed under the S3 endpoint behind the archive's back.
 * The routes that hand out stored bytes say so in words (404 `object-missing`), and a record that disposition
 * destroyed says that instead (410 `record-disposed`); neither is a bare 500. The object is deleted from the real
 * (embedded) S3 endpoint's disk, so the endpoint itself answers NoSuchKey.
 */
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
    const answer = { status: r.status, contentType, body: contentType.includes('json') ? ((await r.json()) as any) : await r.arrayBuffer() };
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

  it('answers a disposed record\'s PDF and bag with 410 record-disposed, pointing at its tombstone', async () => {
    for (const url of [`/records/${disposed}/pdf`, `/records/${disposed}/verify`, `/records/${disposed}/bag`]) {
      const answer = await call(stack.token, url);
      expect(answer.status, url).toBe(410);
      expect(answer.body.error.code, url).toBe('record-disposed');
    }
    expect((await call(stack.token, `/records/${disposed}/pdf`)).body.error.message).toContain(`tombstone (records/${disposed}/tombstone)`);
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
