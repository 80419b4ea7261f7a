import fs from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from './stack.ts';

/** A sample paper sent through the pipeline, and what it must end as. */
export interface SampleKind { file: string; procedure: string; pages: number; records: number }

/** One page each, to keep OCR short; both are matched with confidence (no clerk review would hold their batch). */
export const SAMPLE_KINDS: SampleKind[] = [
  { file: 'ks-tokhai-p1.png', procedure: 'KS', pages: 1, records: 1 },
  { file: 'skewed-seal.jpg', procedure: 'CT', pages: 1, records: 1 },
];

const bytesCache = new Map<string, Buffer>();
export async function sampleBytes(kind: SampleKind): Promise<Buffer> {
  let bytes = bytesCache.get(kind.file);
  if (!bytes) bytesCache.set(kind.file, (bytes = await fs.readFile(path.join(repoRoot, 'samples', 'scans', kind.file))));
  return bytes;
}

/**
 * Each paper the harness sends carries its own name (`u0007-ks-tokhai-p1.png`, `in0003-skewed-seal.jpg`), so the
 * audit finds every batch it made from batch_files alone, and what each must end as.
 */
export const paperName = (source: 'u' | 'in', n: number, kind: SampleKind) => `${source}${String(n).padStart(4, '0')}-${kind.file}`;
export function kindOfPaper(name: string): SampleKind | undefined {
  const file = name.replace(/^(u|in)\d{4}-/, '');
  return SAMPLE_KINDS.find((k) => k.file === file);
}

/** A dossier code the harness gives an upload (a day no generated code uses), kept when the client retries. */
export const givenDossierCode = (n: number) => `000.00.00.H00-260101-${String(n).padStart(4, '0')}`;

/** Puts a file into the hot folder as a scanner should: written under a dot-name, then renamed into place. */
export async function dropIntoInbox(inboxDir: string, kind: SampleKind, name: string): Promise<void> {
  const dir = path.join(inboxDir, '000.00.00.H00', kind.procedure);
  await fs.mkdir(dir, { recursive: true });
  const partial = path.join(dir, `.${name}.part`);
  await fs.writeFile(partial, await sampleBytes(kind));
  await fs.rename(partial, path.join(dir, name));
}

/** Files still lying in the hot folder (not taken yet). */
export async function inboxLeft(inboxDir: string): Promise<string[]> {
  const entries = await fs.readdir(inboxDir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => e.name);
}
