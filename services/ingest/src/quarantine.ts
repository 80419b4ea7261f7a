import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { fitFileName, objectKey, safeFileName, type ObjectStore, type Queryable } from '@sohoa/shared';
import { insertQuarantined } from './quarantine.repository.ts';

/**
 * An object key's last segment becomes a file name on an endpoint that keeps objects as files, with a suffix of
 * its own (the embedded s3rver adds up to 22 bytes, "._S3rver_metadata.json"); file systems allow 255 bytes.
 */
const MAX_SEGMENT_BYTES = 255 - 24;
const REASON_SUFFIX = '.reason.txt';
/** S3 user metadata is limited to 2 KB in all; the whole reason is in the row and in the `.reason.txt` object. */
const MAX_REASON_METADATA_CHARS = 300;

/**
 * The name a rejected file is kept under: `<n>-<name>`, cut by bytes (keeping the extension) so that it and its
 * `.reason.txt` both fit as key segments, whatever the client or scanner called it.
 */
export function quarantineName(position: number, name: string): string {
  const prefix = `${position + 1}-`;
  const budget = MAX_SEGMENT_BYTES - Buffer.byteLength(prefix) - Buffer.byteLength(REASON_SUFFIX);
  // ".." is refused in a key segment (it would climb out of a folder on an endpoint that keeps files), and so is
  // "%": an S3 listing that is URL-decoded once too often (s3rver's) turned a name "%2e%2e%2fetc" into "../etc"
  return prefix + (fitFileName(safeFileName(name).replace(/%/g, '_').replace(/\.{2,}/g, '.'), budget) || 'file');
}

/** quarantine/<batch>/<n>-<name>, or quarantine/inbox/<id>/1-<name> for a hot-folder file that made no batch. */
export function quarantineKey(where: { batchId: string; position: number } | { inboxId: string }, name: string): string {
  return 'batchId' in where
    ? objectKey('quarantine', where.batchId, quarantineName(where.position, name))
    : objectKey('quarantine', 'inbox', where.inboxId, quarantineName(0, name));
}

/** What is kept: bytes in hand (a split job read them), or a file on this machine's disk with its digest. */
export type QuarantineContent = { bytes: Buffer } | { path: string; size: number; sha256: string };

/**
 * Keeps a rejected file in the object store, the reason in its metadata and beside it (`<key>.reason.txt`), so a
 * clerk can see what was wrong and nothing handed in is lost, whichever machine rejected it. A key the endpoint
 * refuses (a stricter name limit on its disk) falls back to `<n>-file`: quarantining must not fail, or the file
 * would be offered again and again. Returns the key used, with the content's size and SHA-256.
 */
export async function storeQuarantined(store: ObjectStore, key: string, name: string, content: QuarantineContent, reason: string) {
  const size = 'bytes' in content ? content.bytes.length : content.size;
  const sha256 = 'bytes' in content ? createHash('sha256').update(content.bytes).digest('hex') : content.sha256;
  const metadata = { 'file-name': name, sha256, reason: reason.slice(0, MAX_REASON_METADATA_CHARS) };
  const keep = async (at: string) => {
    if ('bytes' in content) await store.put(at, content.bytes, { metadata });
    else await store.putStream(at, fs.createReadStream(content.path), size, { metadata });
    await store.put(`${at}${REASON_SUFFIX}`, Buffer.from(`${reason}\n`), { contentType: 'text/plain; charset=utf-8' });
  };
  try {
    await keep(key);
    return { objectKey: key, size, sha256 };
  } catch (err) {
    const fallback = key.replace(/\/(\d+)-[^/]*$/, '/$1-file');
    if (fallback === key) throw err;
    await keep(fallback);
    return { objectKey: fallback, size, sha256 };
  }
}

export interface QuarantineBatchFile { batchId: string; fileId: string; position: number; name: string; unitCode: string }

/** A received file that cannot be read: kept in the object store and listed (quarantined_files). Returns the row id. */
export async function quarantineBatchFile(deps: { db: Queryable; store: ObjectStore }, file: QuarantineBatchFile, bytes: Buffer, reason: string): Promise<string> {
  const kept = await storeQuarantined(deps.store, quarantineKey(file, file.name), file.name, { bytes }, reason);
  return insertQuarantined(deps.db, { batchId: file.batchId, fileId: file.fileId, unitCode: file.unitCode, inboxPath: null, name: file.name, reason, ...kept });
}
