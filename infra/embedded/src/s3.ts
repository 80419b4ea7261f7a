import fs from 'node:fs/promises';
import S3rver from 's3rver';
import { freePort } from './ports.ts';

export interface EmbeddedS3Handle {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  stop(): Promise<void>;
}

/**
 * An S3 endpoint in this process (s3rver), bound to loopback only, so the production S3 code path runs unchanged.
 * s3rver knows one fixed key pair; it has no Object Lock, so sohoa enforces retention itself on it.
 */
export async function startEmbeddedS3(dir: string): Promise<EmbeddedS3Handle> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 }); // holds the unit's records: private to this service
  const port = await freePort();
  const server = new S3rver({ address: '127.0.0.1', port, directory: dir, silent: true });
  await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    accessKey: 'S3RVER',
    secretKey: 'S3RVER',
    stop: () => server.close(),
  };
}
