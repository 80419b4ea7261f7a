import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import S3rver from 's3rver';
import s3rverAccounts from 's3rver/lib/models/account.js';
import { readOrCreateS3Credentials } from './s3-credentials.ts';
import { setAsideInterruptedWrites } from './s3-repair.ts';
import { s3Gate } from './s3-gate.ts';

export interface EmbeddedS3Handle {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  /** Where the key pair is kept (0600), for other processes of the same installation. */
  credentialsFile: string;
  /** Objects a power cut left unreadable, moved aside at start (see s3-repair.ts). */
  setAside: string[];
  stop(): Promise<void>;
}

export interface EmbeddedS3Options {
  /** Default: `s3-credentials.json` beside `dir` (so `data/s3` keeps its keys in `data/s3-credentials.json`). */
  credentialsFile?: string;
}

/**
 * An S3 endpoint in this process (s3rver), so the production S3 code path runs unchanged. It listens on loopback
 * only and serves only requests signed (AWS Signature V4) with this installation's key pair, made at first start.
 * s3rver has no Object Lock, so sohoa enforces retention itself on it.
 */
export async function startEmbeddedS3(dir: string, options: EmbeddedS3Options = {}): Promise<EmbeddedS3Handle> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 }); // holds the unit's records: private to this service
  const credentialsFile = options.credentialsFile ?? path.join(path.dirname(path.resolve(dir)), 's3-credentials.json');
  const credentials = await readOrCreateS3Credentials(credentialsFile);
  const setAside = await setAsideInterruptedWrites(dir, path.join(path.dirname(path.resolve(dir)), 's3-damaged'));

  // s3rver's own middleware knows keys from one process-wide account: it must know ours (it serves per-request
  // response headers only to signed requests) and must not keep its published S3RVER/S3RVER pair.
  s3rverAccounts.DUMMY_ACCOUNT.revokeAccessKey('S3RVER');
  s3rverAccounts.DUMMY_ACCOUNT.createKeyPair(credentials.accessKey, credentials.secretKey);
  const s3rver = new S3rver({ directory: dir, silent: true, vhostBuckets: false });
  const server = http.createServer(s3Gate(credentials, s3rver.callback()));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    ...credentials,
    credentialsFile,
    setAside,
    async stop() {
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
      s3rver.logger.close();
    },
  };
}
