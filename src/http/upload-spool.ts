import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type multer from 'multer';

/** An uploaded file as the spool keeps it: where its bytes wait on this machine, how many, and their SHA-256. */
export interface SpooledFile extends Express.Multer.File { sha256: string }

/**
 * multer storage that writes each uploaded file to a spool file while hashing it, so an upload costs a few stream
 * buffers of memory whatever its size. multer removes the spool files itself when it refuses a request (a file over
 * MAX_UPLOAD_BYTES, a body cut short); the route removes them once the batch is stored or refused.
 */
export function spoolStorage(dir: string): multer.StorageEngine {
  return {
    _handleFile(_req, file, done) {
      const spoolFile = path.join(dir, `${randomUUID()}.part`);
      const hash = createHash('sha256');
      let size = 0;
      const hashing = new Transform({
        transform(chunk: Buffer, _encoding, next) {
          hash.update(chunk);
          size += chunk.length;
          next(null, chunk);
        },
      });
      fs.promises
        .mkdir(dir, { recursive: true, mode: 0o700 })
        .then(() => pipeline(file.stream, hashing, fs.createWriteStream(spoolFile, { mode: 0o600 })))
        .then(
          () => done(null, { path: spoolFile, size, sha256: hash.digest('hex') } as Partial<SpooledFile>),
          // multer keeps no path of a file whose storage failed: nothing of it may stay behind
          (err) => fs.promises.rm(spoolFile, { force: true }).finally(() => done(err)),
        );
    },
    _removeFile(_req, file, done) {
      fs.promises.rm(file.path, { force: true }).then(() => done(null), done);
    },
  };
}

/** Removes spool files a killed process left behind; young ones may be another process's upload in flight. */
export async function sweepSpool(dir: string, olderThanMs = 60 * 60 * 1000): Promise<void> {
  const names = await fs.promises.readdir(dir).catch(() => [] as string[]);
  const now = Date.now();
  for (const name of names) {
    const file = path.join(dir, name);
    const stat = await fs.promises.stat(file).catch(() => null);
    if (stat?.isFile() && now - stat.mtimeMs > olderThanMs) await fs.promises.rm(file, { force: true });
  }
}
