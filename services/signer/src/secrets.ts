/**
 * Where a PKCS#12 password comes from: a secret file (mounted by the
 * operator, 0600) or an environment variable. The password itself is never
 * stored in the database, logged, or returned by the API — only where it is.
 */
import { readFile } from 'node:fs/promises';
import { SignerError } from './errors.ts';

export type PasswordSource = { file: string; env?: undefined } | { env: string; file?: undefined };

export async function readPassword(source: PasswordSource, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (source.env !== undefined) {
    const value = env[source.env];
    if (value === undefined) throw new SignerError('missing-password', `The environment variable ${source.env} that should hold the certificate password is not set.`);
    return value;
  }
  try {
    // A trailing newline is how editors and `echo` leave files; it is never part of the password.
    return (await readFile(source.file, 'utf8')).replace(/\r?\n$/, '');
  } catch {
    throw new SignerError('missing-password', `The password file ${source.file} cannot be read.`);
  }
}
