import fs from 'node:fs/promises';
import path from 'node:path';

/** s3rver keeps an object as `<name>._S3rver_object` beside `….object.md5` and `<name>._S3rver_metadata.json`. */
const METADATA_SUFFIX = '._S3rver_metadata.json';
const companions = (base: string) => [`${base}._S3rver_object`, `${base}._S3rver_object.md5`, `${base}${METADATA_SUFFIX}`];

/**
 * After a power cut an object's metadata file may be cut mid-JSON, and s3rver then answers 500 to every read and
 * write of that key, so the job that would rewrite it retries forever. Such objects are moved aside (kept, not
 * deleted) to `damagedDir`, keeping their paths; the pipeline's idempotent jobs write the same keys again.
 * Returns the object files moved.
 */
export async function setAsideInterruptedWrites(dir: string, damagedDir: string): Promise<string[]> {
  const moved: string[] = [];
  for (const metadata of await filesEndingWith(dir, METADATA_SUFFIX)) {
    if (await parses(metadata)) continue;
    const base = metadata.slice(0, -METADATA_SUFFIX.length);
    for (const file of companions(base)) {
      const target = path.join(damagedDir, path.relative(dir, file));
      await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      await fs.rename(file, target).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
    }
    moved.push(path.relative(dir, `${base}._S3rver_object`));
  }
  return moved;
}

async function parses(file: string): Promise<boolean> {
  try {
    JSON.parse(await fs.readFile(file, 'utf8'));
    return true;
  } catch {
    return false;
  }
}

async function filesEndingWith(dir: string, suffix: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  const found: string[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await filesEndingWith(full, suffix)));
    else if (entry.name.endsWith(suffix)) found.push(full);
  }
  return found;
}
