import fs from 'node:fs/promises';
import path from 'node:path';
import { fitFileName, safeFileName } from '@sohoa/shared';

/** File systems limit one name to 255 bytes (ext4, XFS, NTFS in UTF-16 units: stricter is not common). */
const MAX_NAME_BYTES = 255;
const REASON_SUFFIX = '.reason.txt';

/**
 * The name a rejected file is kept under: `<n>-<name>`, cut by bytes (keeping the extension) so that it and its
 * `.reason.txt` both fit the file system's limit, whatever the client or scanner called it.
 */
export function quarantineName(position: number, name: string): string {
  const prefix = `${position + 1}-`;
  const budget = MAX_NAME_BYTES - Buffer.byteLength(prefix) - Buffer.byteLength(REASON_SUFFIX);
  return prefix + (fitFileName(safeFileName(name), budget) || 'file');
}

/**
 * Keeps a rejected file with the reason beside it, so a clerk or an administrator can see what was wrong
 * and nothing handed in is lost: data/quarantine/<batch>/<n>-<name> and <n>-<name>.reason.txt.
 * A name the file system still refuses (a smaller limit, an encoding it cannot store) falls back to `<n>-file`:
 * quarantining must not fail, or the file would be offered again and again.
 */
export async function quarantineFile(dir: string, batchId: string, position: number, name: string, bytes: Buffer, reason: string): Promise<string> {
  const folder = path.join(dir, path.basename(batchId));
  await fs.mkdir(folder, { recursive: true, mode: 0o700 });
  try {
    return await keep(path.join(folder, quarantineName(position, name)), bytes, reason);
  } catch (err) {
    if (!isNameRefused(err)) throw err;
    return keep(path.join(folder, `${position + 1}-file`), bytes, reason);
  }
}

async function keep(file: string, bytes: Buffer, reason: string): Promise<string> {
  await fs.writeFile(file, bytes, { mode: 0o600 });
  try {
    await fs.writeFile(`${file}${REASON_SUFFIX}`, `${reason}\n`, { mode: 0o600 });
  } catch (err) {
    await fs.rm(file, { force: true }); // never a quarantined file without its reason
    throw err;
  }
  return file;
}

const isNameRefused = (err: unknown) => ['ENAMETOOLONG', 'EILSEQ', 'EINVAL'].includes((err as { code?: string }).code ?? '');
