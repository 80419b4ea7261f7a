import fs from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import type { S3Credentials } from './sigv4.ts';

/**
 * The embedded S3 endpoint's one key pair, made at first start and kept (0600) so that later starts and other
 * processes of the same installation use the same keys. A file with the wrong shape is an error, never replaced:
 * replacing it would lock out whoever else reads it.
 */
export async function readOrCreateS3Credentials(file: string): Promise<S3Credentials> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const credentials = { accessKey: `SOHOA${randomBytes(10).toString('hex').toUpperCase()}`, secretKey: randomBytes(30).toString('base64url') };
    // Written whole under another name, then linked: two processes starting at once never see half a file,
    // and the one that loses the link reads the winner's keys.
    const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    await fs.writeFile(draft, JSON.stringify(credentials, null, 2) + '\n', { mode: 0o600 });
    try {
      await fs.link(draft, file);
      return credentials;
    } catch (linkErr) {
      if ((linkErr as NodeJS.ErrnoException).code !== 'EEXIST') throw linkErr;
      text = await fs.readFile(file, 'utf8');
    } finally {
      await fs.rm(draft, { force: true });
    }
  }
  const parsed = JSON.parse(text) as Partial<S3Credentials>;
  if (typeof parsed.accessKey !== 'string' || typeof parsed.secretKey !== 'string' || !parsed.accessKey || !parsed.secretKey) {
    throw new Error(`${file} must hold {"accessKey", "secretKey"}`);
  }
  return { accessKey: parsed.accessKey, secretKey: parsed.secretKey };
}
