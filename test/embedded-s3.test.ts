import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createCipheriv, createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { Client } from 'minio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectObjectStore, type ObjectStore } from '@sohoa/shared';
import { startEmbeddedS3, type EmbeddedS3Handle } from '@sohoa/embedded';

const MiB = 1024 * 1024;
const bucket = 'sohoa';
const region = 'us-east-1';

/**
 * The embedded S3 endpoint on its own: it serves only requests signed with the installation's keys, listens on
 * loopback only, and stores objects of every size an upload may have (MAX_UPLOAD_BYTES is 200 MiB; the minio
 * client switches to multipart uploads above 64 MiB).
 */
describe('the embedded S3 endpoint', () => {
  let dataDir: string;
  let s3: EmbeddedS3Handle;
  let store: ObjectStore;
  const record = Buffer.from('%PDF-1.7 the signed record\n');
  const key = 'records/2026/r1.pdf';
  const objectUrl = () => `${s3.endpoint}/${bucket}/${key}`;

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sohoa-s3-'));
    s3 = await startEmbeddedS3(path.join(dataDir, 's3'));
    store = await connectObjectStore({ ...s3, bucket, region });
    await store.put(key, record, { contentType: 'application/pdf' });
  });

  afterAll(async () => {
    await s3?.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('refuses unsigned GET, PUT and DELETE, and the object stays as it was', async () => {
    const get = await fetch(objectUrl());
    expect(get.status).toBe(403);
    expect(await get.text()).toContain('<Code>AccessDenied</Code>');
    expect((await fetch(objectUrl(), { method: 'PUT', body: 'replaced by a stranger' })).status).toBe(403);
    expect((await fetch(objectUrl(), { method: 'DELETE' })).status).toBe(403);
    expect((await fetch(`${s3.endpoint}/${bucket}?list-type=2`)).status).toBe(403);
    expect((await fetch(`${s3.endpoint}/`)).status).toBe(403);
    expect(await store.get(key)).toEqual(record);
  });

  it("refuses the published S3RVER key pair and requests signed with a wrong secret, but serves the installation's keys", async () => {
    const clientWith = (accessKey: string, secretKey: string) => {
      const url = new URL(s3.endpoint);
      return new Client({ endPoint: url.hostname, port: Number(url.port), useSSL: false, accessKey, secretKey, region, pathStyle: true });
    };
    const wrongSecret = clientWith(s3.accessKey, `${s3.secretKey}x`);
    await expect(wrongSecret.putObject(bucket, key, Buffer.from('forged'))).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
    await expect(wrongSecret.removeObject(bucket, key)).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
    await expect(clientWith('S3RVER', 'S3RVER').getObject(bucket, key)).rejects.toMatchObject({ code: 'InvalidAccessKeyId' });

    const forgedUrl = await wrongSecret.presignedGetObject(bucket, key, 60);
    expect((await fetch(forgedUrl)).status).toBe(403);
    const goodUrl = await clientWith(s3.accessKey, s3.secretKey).presignedGetObject(bucket, key, 60);
    const served = await fetch(goodUrl);
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer())).toEqual(record);
    // The signature covers the path: the same query on another key is refused.
    expect((await fetch(goodUrl.replace('/r1.pdf?', '/r2.pdf?'))).status).toBe(403);

    expect(await store.get(key)).toEqual(record);
    expect(await store.stat(key)).toMatchObject({ size: record.length, contentType: 'application/pdf' });
  });

  it('listens on 127.0.0.1 only', async () => {
    const port = Number(new URL(s3.endpoint).port);
    expect(new URL(s3.endpoint).hostname).toBe('127.0.0.1');
    expect(await listeningAddresses(port)).toEqual(['127.0.0.1']);
  });

  it('keeps its keys in a 0600 file and uses the same keys after a restart', async () => {
    expect(s3.credentialsFile).toBe(path.join(dataDir, 's3-credentials.json'));
    expect((await fs.stat(s3.credentialsFile)).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(await fs.readFile(s3.credentialsFile, 'utf8'));
    expect(saved).toEqual({ accessKey: s3.accessKey, secretKey: s3.secretKey });
    expect(s3.secretKey.length).toBeGreaterThanOrEqual(32);

    const before = { accessKey: s3.accessKey, secretKey: s3.secretKey };
    await s3.stop();
    s3 = await startEmbeddedS3(path.join(dataDir, 's3'));
    expect({ accessKey: s3.accessKey, secretKey: s3.secretKey }).toEqual(before);
    store = await connectObjectStore({ ...s3, bucket, region });
    expect(await store.get(key)).toEqual(record);
  });

  it('starts again on a folder a power cut left half-written objects in, and sets aside what it cannot read', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sohoa-s3-cut-'));
    let own = await startEmbeddedS3(path.join(dir, 's3'));
    // Keys outside work/ and quarantine/ stay in the records bucket, whose folder the test damages.
    const ownStore = await connectObjectStore({ ...own, bucket, region });
    await ownStore.put('originals/whole.jpg', Buffer.alloc(MiB, 5));
    await ownStore.put('originals/no-metadata.jpg', Buffer.alloc(MiB, 9));
    await own.stop();
    // What a cut leaves: a metadata file cut mid-JSON (s3rver would answer 500 to every call on that key).
    await fs.writeFile(path.join(dir, 's3', bucket, 'originals', 'no-metadata.jpg._S3rver_metadata.json'), '{"content-ty');
    try {
      own = await startEmbeddedS3(path.join(dir, 's3'));
      expect(own.setAside).toEqual([`${bucket}/originals/no-metadata.jpg._S3rver_object`]);
      await fs.access(path.join(dir, 's3-damaged', bucket, 'originals', 'no-metadata.jpg._S3rver_object')); // kept, not deleted
      const again = await connectObjectStore({ ...own, bucket, region });
      expect(await again.get('originals/whole.jpg')).toEqual(Buffer.alloc(MiB, 5)); // what was whole stays whole
    } finally {
      await own.stop();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('stores and returns objects of 1 KB, 65 MiB and 200 MiB unchanged, streamed', async () => {
    for (const [name, size] of [['1kb', 1024], ['65mib', 65 * MiB], ['200mib', 200 * MiB]] as const) {
      const sent = createHash('sha256');
      await store.putStream(`originals/${name}.bin`, Readable.from(deterministicBytes(size, name, sent)), size);
      const received = createHash('sha256');
      let length = 0;
      for await (const chunk of await store.getStream(`originals/${name}.bin`)) {
        received.update(chunk as Buffer);
        length += (chunk as Buffer).length;
      }
      expect({ name, length, sha256: received.digest('hex') }).toEqual({ name, length: size, sha256: sent.digest('hex') });
      expect((await store.stat(`originals/${name}.bin`))?.size).toBe(size);
      await store.remove(`originals/${name}.bin`);
    }
  }, 90_000);
});

/** `size` reproducible pseudo-random bytes (AES-CTR over zeros, keyed by `seed`), hashed into `hash` as they are made. */
function* deterministicBytes(size: number, seed: string, hash: ReturnType<typeof createHash>): Generator<Buffer> {
  const cipher = createCipheriv('aes-256-ctr', createHash('sha256').update(seed).digest(), Buffer.alloc(16));
  const zeros = Buffer.alloc(MiB);
  for (let left = size; left > 0; left -= MiB) {
    const chunk = cipher.update(zeros.subarray(0, Math.min(MiB, left)));
    hash.update(chunk);
    yield chunk;
  }
}

/** The local addresses of the listening TCP sockets on `port`, from the kernel's own tables. */
async function listeningAddresses(port: number): Promise<string[]> {
  const LISTEN = '0A';
  const addresses: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const lines = (await fs.readFile(table, 'utf8').catch(() => '')).split('\n').slice(1);
    for (const line of lines) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (!local || state !== LISTEN) continue;
      const [hexAddress, hexPort] = local.split(':') as [string, string];
      if (parseInt(hexPort, 16) !== port) continue;
      addresses.push(hexAddress.length === 8 ? ipv4FromProc(hexAddress) : `ipv6:${hexAddress}`);
    }
  }
  return addresses;
}

function ipv4FromProc(hex: string): string {
  // /proc/net/tcp prints the address as a little-endian 32-bit number.
  return [3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.');
}
