/**
 * Object keys are built here, and only from parts that cannot change the key's shape. An S3 endpoint that keeps
 * objects as files (the embedded one) turns a key into a path: a part with '/', '..', a backslash, a NUL or a
 * control character could climb out of the data folder. Callers validate codes first (identifiers.ts); this is
 * the last line, so a bug upstream fails loudly instead of writing somewhere else.
 */

export class UnsafeObjectKey extends Error {
  constructor(reason: string) {
    super(`unsafe object key: ${reason}`);
    this.name = 'UnsafeObjectKey';
  }
}

const MAX_PART_BYTES = 255;
const MAX_KEY_BYTES = 1024; // S3's limit

/** Throws unless `part` can be one segment of a key as it is. */
export function assertKeyPart(part: string): void {
  if (part.length === 0) throw new UnsafeObjectKey('an empty part');
  if (part.includes('/') || part.includes('\\')) throw new UnsafeObjectKey('a part with a slash or backslash');
  if (part.includes('..')) throw new UnsafeObjectKey('a part with ".."');
  if (part === '.') throw new UnsafeObjectKey('a part "."');
  if (/[\u0000-\u001f\u007f-\u009f]/.test(part)) throw new UnsafeObjectKey('a part with a NUL or control character');
  if (Buffer.byteLength(part) > MAX_PART_BYTES) throw new UnsafeObjectKey(`a part longer than ${MAX_PART_BYTES} bytes`);
}

/** Joins checked parts with '/'. */
export function objectKey(...parts: (string | number)[]): string {
  const strings = parts.map(String);
  strings.forEach(assertKeyPart);
  return strings.join('/');
}

/** Checks a whole key (every '/'-separated segment), e.g. one read back from the database before it is used. */
export function assertObjectKey(key: string): void {
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw new UnsafeObjectKey(`longer than ${MAX_KEY_BYTES} bytes`);
  key.split('/').forEach(assertKeyPart);
}

/** The original of a received file, as handed in. */
export const originalFileKey = (batchId: string, fileId: string) => objectKey('work', 'batches', batchId, 'files', fileId, 'original');

/** One page image split from a received file. */
export const pageSourceKey = (batchId: string, fileId: string, pageIndex: number, extension: string) =>
  objectKey('work', 'batches', batchId, 'pages', `${fileId}-${pageIndex}.${extension}`);

/** An archived record: found by unit and dossier when browsing the bucket, fixed by the record id. */
export const recordKey = (unitCode: string, dossierCode: string, recordId: string) => objectKey('records', unitCode, dossierCode, `${recordId}.pdf`);

/**
 * Version `version` (2, 3, …) of a record's object, beside its first key: `…/<record>.pdf` → `…/<record>.v2.pdf`.
 * A record extended for long-term validation gets a new key instead of a new S3 version of the old one, so the old
 * object keeps its own lock and no write ever lands on a key a record has used.
 */
export function recordVersionKey(currentKey: string, version: number): string {
  if (!Number.isInteger(version) || version < 2) throw new UnsafeObjectKey(`record version ${version}: versions after the first start at 2`);
  assertObjectKey(currentKey);
  const parts = currentKey.split('/');
  const stem = parts.pop()!.replace(/(\.v\d+)?\.pdf$/, '');
  return objectKey(...parts, `${stem}.v${version}.pdf`);
}
