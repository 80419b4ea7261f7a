/**
 * Where the key that seals uploaded certificates comes from: the setting
 * SIGNING_KEY_ENCRYPTION_KEY (production: a secret given to the API and every
 * worker), else a 0600 file under the data folder, which the embedded first
 * start creates — like credentials.json — so a newcomer can upload a .p12 at once.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseKeyEncryptionKey } from '@sohoa/shared';
import { SignerError } from './errors.ts';
import { KEY_ENCRYPTION_KEY_BYTES } from './sealed-pkcs12.ts';

export interface KeyEncryptionKeyOptions {
  /** The parsed setting, when given. */
  configured?: Uint8Array;
  file: string;
  /** Create the file when it is missing (the embedded default), rather than go without. */
  create: boolean;
}

export interface KeyEncryptionKey {
  key: Uint8Array | null;
  source: 'setting' | 'file' | 'created' | 'none';
}

async function readKeyFile(file: string): Promise<Uint8Array | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const key = parseKeyEncryptionKey(text);
  // A damaged key file must stop the start: replacing it would make every sealed certificate unreadable.
  if (!key) throw new SignerError('key-encryption-key-missing', `${file} does not hold a 32-byte key (base64 or hex); restore it from a backup.`);
  return key;
}

export async function loadKeyEncryptionKey(options: KeyEncryptionKeyOptions): Promise<KeyEncryptionKey> {
  if (options.configured) return { key: options.configured, source: 'setting' };
  const existing = await readKeyFile(options.file);
  if (existing) return { key: existing, source: 'file' };
  if (!options.create) return { key: null, source: 'none' };
  const key = randomBytes(KEY_ENCRYPTION_KEY_BYTES);
  // Written whole beside it, then linked into place: link() refuses an existing name, so of two processes
  // starting at once one key wins and the other reads it, and nobody ever reads a half-written file.
  const temporary = `${options.file}.${process.pid}.tmp`;
  await mkdir(path.dirname(options.file), { recursive: true });
  await writeFile(temporary, `${key.toString('base64')}\n`, { mode: 0o600 });
  try {
    await link(temporary, options.file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { key: (await readKeyFile(options.file))!, source: 'file' };
  } finally {
    await rm(temporary, { force: true });
  }
  return { key, source: 'created' };
}
