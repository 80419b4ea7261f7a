import type { Readable } from 'node:stream';
import { Client } from 'minio';
import { assertObjectKey } from './object-keys.ts';

export interface StoredObjectInfo {
  size: number;
  metadata: Record<string, string>;
  contentType?: string;
}

/**
 * The one storage surface the services use; an S3/MinIO implementation serves production and the embedded default.
 * Two buckets behind it: scratch keys (work/…: originals, pages, unsigned and signed PDFs before archiving;
 * quarantine/…) go to a bucket without a lock, everything else (records/…, what must be kept) to the records bucket,
 * which has Object Lock on a MinIO made for it.
 */
export interface ObjectStore {
  /** The records bucket (with Object Lock where the store has it). */
  readonly bucket: string;
  readonly scratchBucket: string;
  /** Whether sohoa asks the store to lock record versions (S3_OBJECT_LOCK); sohoa enforces retention itself either way. */
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
  /**
   * Installs the check every write or removal of a key under records/ must pass (archive-api's record guard: no
   * record's object is replaced, nor deleted while retained or held). Throws to refuse.
   */
  guardRecords(guard: RecordObjectGuard): void;
  /** S3 Object Lock retention on one version (PutObjectRetention): a date that can only be extended. */
  lockRetention(key: string, lock: RetentionLock): Promise<void>;
  /** S3 legal hold on one version (PutObjectLegalHold): no end date, lifted by 'OFF'. */
  setLegalHold(key: string, on: boolean, versionId?: string): Promise<void>;
  /** Removes every version of a record's object (guarded as a deletion); returns the version ids removed. */
  removeAllVersions(key: string): Promise<string[]>;
}

export interface RetentionLock { mode: 'GOVERNANCE' | 'COMPLIANCE'; retainUntil: Date; versionId?: string }

/** Scratch keys: work in progress and rejected files, never under a lock. */
export const isScratchObjectKey = (key: string) => key.startsWith('work/') || key.startsWith('quarantine/');

export type RecordObjectGuard = (key: string, change: 'replace' | 'delete') => Promise<void>;

/** Keys of archived records (object-keys.ts recordKey): write-once, retained, guarded. */
export const isRecordObjectKey = (key: string) => key.startsWith('records/');

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
  /** The bucket without a lock for scratch objects (default sohoa-scratch). */
  scratchBucket?: string;
  /** 'auto' (default): lock calls when the records bucket reports Object Lock enabled; 'on': always; 'off': never. */
  objectLock?: 'auto' | 'on' | 'off';
}

export const DEFAULT_SCRATCH_BUCKET = 'sohoa-scratch';

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
  const scratchBucket = settings.scratchBucket ?? DEFAULT_SCRATCH_BUCKET;
  if (scratchBucket === settings.bucket) throw new Error('S3_SCRATCH_BUCKET must differ from S3_BUCKET: scratch objects are kept out of the locked bucket');
  const lockEnabled = await ensureBucket(client, settings.bucket, settings.region, true);
  await ensureBucket(client, scratchBucket, settings.region, false);
  const mode = settings.objectLock ?? 'auto';
  return new S3ObjectStore(client, settings.bucket, scratchBucket, mode === 'on' || (mode === 'auto' && lockEnabled));
}

/** Object Lock can only be enabled at bucket creation; an endpoint that refuses it gets a plain bucket. */
async function ensureBucket(client: Client, bucket: string, region: string, locked: boolean): Promise<boolean> {
  if (!(await client.bucketExists(bucket))) {
    try {
      if (!locked) throw new Error('no lock wanted');
      await client.makeBucket(bucket, region, { ObjectLocking: true });
    } catch {
      if (!(await client.bucketExists(bucket))) await client.makeBucket(bucket, region);
    }
  }
  if (!locked) return false;
  try {
    const lock = (await client.getObjectLockConfig(bucket)) as unknown as { objectLockEnabled?: string };
    return lock.objectLockEnabled === 'Enabled';
  } catch {
    return false;
  }
}

class S3ObjectStore implements ObjectStore {
  private guard: RecordObjectGuard | null = null;

  constructor(
    private readonly client: Client,
    readonly bucket: string,
    readonly scratchBucket: string,
    readonly objectLock: boolean,
  ) {}

  private bucketOf(key: string): string {
    return isScratchObjectKey(key) ? this.scratchBucket : this.bucket;
  }

  guardRecords(guard: RecordObjectGuard): void {
    this.guard = guard;
  }

  private async check(key: string, change: 'replace' | 'delete'): Promise<void> {
    if (this.guard && isRecordObjectKey(key)) await this.guard(key, change);
  }

  async put(key: string, body: Buffer | Uint8Array, options: PutOptions = {}): Promise<PutResult> {
    assertObjectKey(key); // an endpoint that keeps objects as files must never see a key that leaves its folder
    await this.check(key, 'replace');
    const buffer = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    const { versionId } = await this.client.putObject(this.bucketOf(key), key, buffer, buffer.length, putHeaders(options));
    return { versionId: versionId ?? undefined };
  }

  async putStream(key: string, body: Readable, size: number, options: PutOptions = {}): Promise<PutResult> {
    assertObjectKey(key);
    await this.check(key, 'replace').catch((err) => {
      body.destroy();
      throw err;
    });
    if (size === 0) {
      body.destroy(); // the client sends an empty body without reading the stream, which would keep its file open
      return this.put(key, Buffer.alloc(0), options);
    }
    // The size picks the part size; without it the client would plan for a 5 TiB object and buffer huge parts.
    const { versionId } = await this.client.putObject(this.bucketOf(key), key, body, size, putHeaders(options));
    return { versionId: versionId ?? undefined };
  }

  async get(key: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.getStream(key)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async getStream(key: string): Promise<Readable> {
    assertObjectKey(key);
    try {
      return await this.client.getObject(this.bucketOf(key), key);
    } catch (err) {
      // Scratch written before scratch had its own bucket is still read from the records bucket.
      if (this.bucketOf(key) === this.bucket || !isNotFound(err)) throw err;
      return this.client.getObject(this.bucket, key);
    }
  }

  async stat(key: string): Promise<StoredObjectInfo | null> {
    assertObjectKey(key);
    try {
      const s = await this.client.statObject(this.bucketOf(key), key).catch((err) => {
        if (this.bucketOf(key) === this.bucket || !isNotFound(err)) throw err;
        return this.client.statObject(this.bucket, key); // scratch from before the split
      });
      const metadata: Record<string, string> = {};
      for (const [name, value] of Object.entries(s.metaData ?? {})) {
        if (name.toLowerCase() === 'content-type') continue;
        metadata[name.toLowerCase().replace(/^x-amz-meta-/, '')] = decodeMetadataValue(String(value));
      }
      return { size: s.size, metadata, contentType: s.metaData?.['content-type'] };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async remove(key: string): Promise<void> {
    assertObjectKey(key);
    await this.check(key, 'delete');
    await this.client.removeObject(this.bucketOf(key), key);
    if (this.bucketOf(key) !== this.bucket) await this.client.removeObject(this.bucket, key); // scratch from before the split
  }

  async list(prefix: string): Promise<string[]> {
    const keys = new Set<string>();
    // '' covers both buckets; a scratch prefix also looks in the main bucket, where scratch written before the split lies.
    const wanted = prefix === '' ? [this.scratchBucket, this.bucket] : [this.bucketOf(prefix), this.bucket];
    const buckets = [...new Set(wanted)];
    for (const bucket of buckets) for await (const item of this.client.listObjectsV2(bucket, prefix, true)) if (item.name) keys.add(item.name);
    return [...keys];
  }

  async lockRetention(key: string, lock: RetentionLock): Promise<void> {
    assertObjectKey(key);
    // minio 8 reads lower-case option names (its docs' `Mode:` is ignored); the mode values are S3's upper case.
    await this.client.putObjectRetention(this.bucket, key, { mode: lock.mode as never, retainUntilDate: lock.retainUntil.toISOString(), ...(lock.versionId ? { versionId: lock.versionId } : {}) } as never);
  }

  async setLegalHold(key: string, on: boolean, versionId?: string): Promise<void> {
    assertObjectKey(key);
    await this.client.setObjectLegalHold(this.bucket, key, { status: (on ? 'ON' : 'OFF') as never, ...(versionId ? { versionId } : {}) } as never);
  }

  async removeAllVersions(key: string): Promise<string[]> {
    assertObjectKey(key);
    await this.check(key, 'delete');
    if (!this.objectLock) {
      await this.client.removeObject(this.bucket, key);
      return [];
    }
    // A locked bucket is versioned: a plain DELETE only adds a delete marker and the locked bytes stay. Each version goes.
    const versions: string[] = [];
    for await (const item of this.client.listObjects(this.bucket, key, false, { IncludeVersion: true }) as AsyncIterable<{ name?: string; versionId?: string }>) {
      if (item.name === key && item.versionId) versions.push(item.versionId);
    }
    for (const versionId of versions) await this.client.removeObject(this.bucket, key, { versionId });
    return versions;
  }

  async ping(): Promise<void> {
    await this.client.bucketExists(this.bucket);
  }
}

/** The store has no object under the key (S3's NoSuchKey on a read, NotFound on a stat). */
export const isObjectMissing = (err: unknown) => ['NotFound', 'NoSuchKey'].includes((err as { code?: string } | null)?.code ?? '');
const isNotFound = isObjectMissing;

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
