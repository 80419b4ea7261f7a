import { createHash } from 'node:crypto';
import fs from 'node:fs';

export interface FileDigest { size: number; sha256: string }

/** Size and SHA-256 of a file on disk, read as a stream: a file of any size costs one read buffer. */
export async function digestFile(file: string): Promise<FileDigest> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of fs.createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { size, sha256: hash.digest('hex') };
}
