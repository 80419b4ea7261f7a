/**
 * Object Lock as the minio client sends it, checked at the wire: s3rver has no Object Lock, so an HTTP proxy in
 * front of it answers the lock calls itself (and gives object PUTs a version id, as a versioned bucket would),
 * recording every request; the rest goes through to s3rver. What a live MinIO does with them is in the README.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispositionExecuteJob } from '@sohoa/archive-api';
import { createKeyTransports } from '@sohoa/signer';
import { startEmbeddedS3, type EmbeddedS3Handle } from '@sohoa/embedded';
import { startS3Proxy, type S3Proxy, type SeenRequest } from './helpers/s3-proxy.ts';
import { getJson, startTestStack, type TestStack } from './helpers/stack.ts';
import { archivedRecord, backdate } from './helpers/records.ts';

const lockCall = (_method: string, url: string) => /[?&](retention|legal-hold)(&|=|$)/.test(url) || /[?&]versions(&|=|$)/.test(url);

describe('Object Lock requests (S3_OBJECT_LOCK=on)', () => {
  let dir: string;
  let s3: EmbeddedS3Handle;
  let proxy: S3Proxy;
  let stack: TestStack;
  const call = async (method: string, url: string, body?: unknown) => {
    const r = await fetch(`${stack.url}/api/v1${url}`, { method, headers: { authorization: `Bearer ${stack.token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, body: (await r.json()) as any };
  };
  const md5 = (text: string) => createHash('md5').update(text).digest('base64');
  const lockRequests = (kind: 'retention' | 'legal-hold', key: string) =>
    proxy.requests.filter((r) => r.method === 'PUT' && r.url.startsWith(`/sohoa/${encodeKey(key)}?${kind}`));
  const encodeKey = (key: string) => key.split('/').map(encodeURIComponent).join('/');

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sohoa-lock-'));
    s3 = await startEmbeddedS3(path.join(dir, 's3'));
    proxy = await startS3Proxy(s3.endpoint, {
      versionIds: true,
      answers: lockCall,
      answer: (r: SeenRequest) => {
        if (r.url.includes('versions')) {
          // ListObjectVersions of one key: the version the proxy gave it.
          const prefix = decodeURIComponent(/prefix=([^&]*)/.exec(r.url)?.[1] ?? '');
          const put = proxy.requests.filter((p) => p.method === 'PUT' && !p.url.includes('?') && decodeURIComponent(p.url) === `/sohoa/${prefix}`).length;
          const body = `<?xml version="1.0" encoding="UTF-8"?><ListVersionsResult><Name>sohoa</Name><Prefix>${prefix}</Prefix><IsTruncated>false</IsTruncated>` +
            (put ? `<Version><Key>${prefix}</Key><VersionId>v-locked</VersionId><IsLatest>true</IsLatest><Size>1</Size></Version>` : '') + '</ListVersionsResult>';
          return { status: 200, headers: { 'content-type': 'application/xml' }, body };
        }
        return { status: 200 };
      },
    });
    stack = await startTestStack(
      { S3_ENDPOINT: proxy.endpoint, S3_ACCESS_KEY: s3.accessKey, S3_SECRET_KEY: s3.secretKey, S3_OBJECT_LOCK: 'on' },
      { workers: false },
    );
  });
  afterAll(async () => {
    await stack?.stop();
    await proxy?.stop();
    await s3?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('makes the records bucket with Object Lock and the scratch bucket without; scratch keys never reach the locked bucket', async () => {
    const made = proxy.requests.filter((r) => r.method === 'PUT' && /^\/[^/?]+\/?$/.test(r.url));
    expect(made.find((r) => r.url.replace(/\/$/, '') === '/sohoa')?.headers['x-amz-bucket-object-lock-enabled']).toBe('true');
    const scratch = made.find((r) => r.url.replace(/\/$/, '') === '/sohoa-scratch');
    expect(scratch).toBeDefined();
    expect(scratch!.headers['x-amz-bucket-object-lock-enabled']).toBeUndefined();
    await archivedRecord(stack.runtime, { procedure: 'CT', component: 'CT-PYC' });
    const puts = proxy.requests.filter((r) => r.method === 'PUT' && !r.url.includes('?'));
    expect(puts.filter((r) => r.url.startsWith('/sohoa/work/'))).toEqual([]);
    expect(puts.some((r) => r.url.startsWith('/sohoa-scratch/work/'))).toBe(true);
  });

  it('locks each record version: GOVERNANCE to the end of its term, COMPLIANCE when permanent, with its version id and Content-MD5', async () => {
    const fixed = await archivedRecord(stack.runtime, { procedure: 'CT', component: 'CT-PYC' });
    const record = await getJson(`${stack.url}/api/v1/records/${fixed.recordId}`, stack.token);
    const [lock] = lockRequests('retention', record.objectKey);
    const version = /versionId=([^&]+)/.exec(lock!.url)?.[1];
    expect(version).toMatch(/^v-\d+$/);
    const year = Number(record.retainUntil.slice(0, 4));
    expect(lock!.body).toBe(`<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>${year}-12-31T17:00:00.000Z</RetainUntilDate></Retention>`);
    expect(lock!.headers['content-md5']).toBe(md5(lock!.body!));
    expect(lock!.headers['x-amz-bypass-governance-retention']).toBeUndefined();

    const permanent = await archivedRecord(stack.runtime, { procedure: 'KS', component: 'KS-TK' });
    const key = (await getJson(`${stack.url}/api/v1/records/${permanent.recordId}`, stack.token)).objectKey;
    expect(lockRequests('retention', key)[0]!.body).toMatch(/^<Retention><Mode>COMPLIANCE<\/Mode><RetainUntilDate>\d{4}-12-31T17:00:00.000Z<\/RetainUntilDate><\/Retention>$/);
  });

  it('sets the S3 legal hold ON when a hold is placed and OFF when the last one is lifted', async () => {
    const { recordId } = await archivedRecord(stack.runtime, { procedure: 'CT', component: 'CT-BC' });
    const { objectKey } = await getJson(`${stack.url}/api/v1/records/${recordId}`, stack.token);
    expect((await call('POST', `/records/${recordId}/hold`, { reason: 'tranh chấp', reference: 'QĐ 1' })).status).toBe(201);
    expect((await call('DELETE', `/records/${recordId}/hold`, { reason: 'xong' })).status).toBe(200);
    const holds = lockRequests('legal-hold', objectKey);
    expect(holds.map((h) => h.body)).toEqual(['<LegalHold><Status>ON</Status></LegalHold>', '<LegalHold><Status>OFF</Status></LegalHold>']);
    for (const h of holds) {
      expect(h.url).toMatch(/\?legal-hold&versionId=v-\d+$/);
      expect(h.headers['content-md5']).toBe(md5(h.body!));
    }
  });

  it('disposition deletes every version by its id, not with a delete marker', async () => {
    const lead = (await import('../src/http/auth.ts')).createApiToken;
    const other = await lead(stack.runtime.db, 'lead-2', 'admin');
    const { recordId } = await archivedRecord(stack.runtime, { procedure: 'CT', component: 'CT-PYC' });
    await backdate(stack.runtime, recordId, '2020-12-31');
    const { objectKey } = await getJson(`${stack.url}/api/v1/records/${recordId}`, stack.token);
    const list = await call('POST', '/disposition/lists', { records: [recordId] });
    const approved = await fetch(`${stack.url}/api/v1/disposition/lists/${list.body.id}/approve`, { method: 'POST', headers: { authorization: `Bearer ${other}`, 'content-type': 'application/json' }, body: '{}' });
    expect(approved.status).toBe(200);
    expect(await dispositionExecuteJob({ db: stack.runtime.db, store: stack.runtime.store, keys: createKeyTransports({}) }).run({ listId: list.body.id })).toEqual({ status: 'done' });
    const deletes = proxy.requests.filter((r) => r.method === 'DELETE' && decodeURIComponent(r.url.split('?')[0]!) === `/sohoa/${objectKey}`);
    expect(deletes.map((d) => d.url.split('?')[1])).toEqual(['versionId=v-locked']);
    expect(deletes[0]!.headers['x-amz-bypass-governance-retention']).toBeUndefined(); // the lock has run out: no bypass needed
    expect((await getJson(`${stack.url}/api/v1/records/${recordId}/tombstone`, stack.token)).versionsDeleted).toEqual(['v-locked']);
  });
});
