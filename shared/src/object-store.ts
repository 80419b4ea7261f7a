import type { Readable } from 'node:stream';
import { Client } from 'minio';
import { assertObjectKey } from './object-keys.ts';

export interface StoredObjectInfo {
  size: number;
  metadata: Record<string, string>;
  contentType?: string;
}

/** The one storage surface the services use; an S3/MinIO implementation serves production and the embedded default. */
export interface ObjectStore {
  readonly bucket: string;
  /** Whether the bucket has S3 Object Lock (a real MinIO); when false, sohoa enforces retention itself. */
  readonly objectLock: boolean;
  /** The version written, where the bucket keeps versions (Object Lock turns versioning on). */
  put(key: string, body: Buffer | Uint8Array, options?: PutOptions): Promise<PutResult>;
  /** For large objects: never whole in memory (the client holds a few parts of 16 MiB at a time). */
  putStream(key: string, body: Readable, size: number, options?: PutOptions): Promise<PutResult>;
  get(key: string): Promise<Buffer>;
  getStream(key: string): Promise<Readable>;
  stat(key: string): Promise<StoredObjectInfo | null>;
  remove(key: string): Promise<void>;
  list(prefix: string): Promise<string[]>;
  ping(): Promise<void>;
}

export interface PutResult { versionId?: string }

export interface PutOptions {
  contentType?: string;
  metadata?: Record<string, string>;
}

export interface S3Settings {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
  region: string;
}

const STREAM_PART_BYTES = 8 * 1024 * 1024;

export async function connectObjectStore(settings: S3Settings): Promise<ObjectStore> {
  const url = new URL(settings.endpoint);
  const client = new Client({
    endPoint: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80,
    useSSL: url.protocol === 'https:',
    accessKey: settings.accessKey,
    secretKey: settings.secretKey,
    region: settings.region,
    pathStyle: true,
    // The client holds up to three parts of a streamed upload in memory (the one it sends, the next, and the one
    // it is filling): 16 MiB parts keep an upload of any size under 50 MiB of buffers (64 MiB, its default, took
    // 220 MB). 10,000 parts of 16 MiB still allow a 160 GiB object.
    partSize: STREAM_PART_BYTES,
  });
  const objectLock = await ensureBucket(client, settings.bucket, settings.region);
  return new S3ObjectStore(client, settings.bucket, objectLock);
}

/** Object Lock can only be enabled at bucket creation; an endpoint that refuses it gets a plain bucket. */
async function ensureBucket(client: Client, bucket: string, region: string): Promise<boolean> {
  if (!(await client.bucketExists(bucket))) {
    try {
      await client.makeBucket(bucket, region, { ObjectLocking: true });
    } catch {
      if (!(await client.bucketExists(bucket))) await client.makeBucket(bucket, region);
    }
  }
  try {
    const lock = (await client.getObjectLockConfig(bucket)) as unknown as { objectLockEnabled?: string };
    return lock.objectLockEnabled === 'Enabled';
  } catch {
    return false;
  }
}

class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly client: Client,
    readonly bucket: string,
    readonly objectLock: boolean,
  ) {}

  async put(key: string, body: Buffer | Uint8Array, options: PutOptions = {}): Promise<PutResult> {
    assertObjectKey(key); // an endpoint that keeps objects as files must never see a key that leaves its folder
    const buffer = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    const { versionId } = await this.client.putObject(this.bucket, key, buffer, buffer.length, putHeaders(options));
    return { versionId: versionId ?? undefined };
  }

  async putStream(key: string, body: Readable, size: number, options: PutOptions = {}): Promise<PutResult> {
    assertObjectKey(key);
    if (size === 0) {
      body.destroy(); // the client sends an empty body without reading the stream, which would keep its file open
      return this.put(key, Buffer.alloc(0), options);
    }
    // The size picks the part size; without it the client would plan for a 5 TiB object and buffer huge parts.
    const { versionId } = await this.client.putObject(this.bucket, key, body, size, putHeaders(options));
    return { versionId: versionId ?? undefined };
  }

  async get(key: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.getStream(key)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  getStream(key: string): Promise<Readable> {
    assertObjectKey(key);
    return this.client.getObject(this.bucket, key);
  }

  async stat(key: string): Promise<StoredObjectInfo | null> {
    assertObjectKey(key);
    try {
      const s = await this.client.statObject(this.bucket, key);
      const metadata: Record<string, string> = {};
      for (const [name, value] of Object.entries(s.metaData ?? {})) {
        if (name.toLowerCase() === 'content-type') continue;
        metadata[name.toLowerCase().replace(/^x-amz-meta-/, '')] = decodeMetadataValue(String(value));
      }
      return { size: s.size, metadata, contentType: s.metaData?.['content-type'] };
    } catch (err) {
      if ((err as { code?: string }).code === 'NotFound' || (err as { code?: string }).code === 'NoSuchKey') return null;
      throw err;
    }
  }

  async remove(key: string): Promise<void> {
    assertObjectKey(key);
    await this.client.removeObject(this.bucket, key);
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const item of this.client.listObjectsV2(this.bucket, prefix, true)) if (item.name) keys.push(item.name);
    return keys;
  }

  async ping(): Promise<void> {
    await this.client.bucketExists(this.bucket);
  }
}

function putHeaders(options: PutOptions): Record<string, string> {
  const headers: Record<string, string> = { 'Content-Type': options.contentType ?? 'application/octet-stream' };
  for (const [name, value] of Object.entries(options.metadata ?? {})) headers[`X-Amz-Meta-${name}`] = encodeMetadataValue(value);
  return headers;
}

// S3 user metadata travels in HTTP headers, which are ASCII: values are always percent-encoded so Vietnamese survives.
function encodeMetadataValue(value: string): string {
  return encodeURIComponent(value);
}
function decodeMetadataValue(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
