import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Keeps a rejected file with the reason beside it, so a clerk or an administrator can see what was wrong
 * and nothing handed in is lost: data/quarantine/<batch>/<n>-<name> and <n>-<name>.reason.txt.
 */
export async function quarantineFile(dir: string, batchId: string, position: number, name: string, bytes: Buffer, reason: string): Promise<string> {
  const folder = path.join(dir, batchId);
  await fs.mkdir(folder, { recursive: true, mode: 0o700 });
  const file = path.join(folder, `${position + 1}-${name}`);
  await fs.writeFile(file, bytes, { mode: 0o600 });
  await fs.writeFile(`${file}.reason.txt`, `${reason}\n`, { mode: 0o600 });
  return file;
}
