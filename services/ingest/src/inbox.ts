import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '@sohoa/shared';
import { AppError } from '@sohoa/shared';
import { receiveBatch, type IngestDeps } from './batch.service.ts';
import { quarantineFile } from './quarantine.ts';

export interface InboxOptions { dir: string; quarantineDir: string; pollMs: number; settleMs: number }

/**
 * The hot folder counter scanners write into: data/inbox/<unit code>/[<procedure code>/]file.
 * Polling (not inotify) because scanners often write over SMB/NFS shares where change events do not arrive.
 * A file is taken once its size and time stop changing; once registered (original in the object store) it is removed.
 */
export function watchInbox(deps: IngestDeps, options: InboxOptions, log: Logger): { stop(): Promise<void> } {
  const seen = new Map<string, { size: number; mtimeMs: number; since: number }>();
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  const tick = async () => {
    const now = Date.now();
    for (const entry of await listInbox(options.dir)) {
      if (stopped) return;
      const prev = seen.get(entry.file);
      if (!prev || prev.size !== entry.size || prev.mtimeMs !== entry.mtimeMs) {
        seen.set(entry.file, { size: entry.size, mtimeMs: entry.mtimeMs, since: now });
        if (options.settleMs > 0) continue;
      } else if (now - prev.since < options.settleMs) continue;
      seen.delete(entry.file);
      await takeFile(deps, options, entry, log);
    }
  };

  const timer = setInterval(() => {
    running = running.then(tick).catch((err) => log.error({ err }, 'inbox scan failed'));
  }, options.pollMs);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

interface InboxEntry { file: string; unitCode: string; procedureCode: string | null; size: number; mtimeMs: number }

async function listInbox(dir: string): Promise<InboxEntry[]> {
  const entries: InboxEntry[] = [];
  for (const unit of await readDir(dir)) {
    if (!unit.isDirectory() || unit.name.startsWith('.')) continue;
    const unitDir = path.join(dir, unit.name);
    for (const item of await readDir(unitDir)) {
      if (item.name.startsWith('.')) continue; // partial uploads conventionally start with a dot
      if (item.isFile()) entries.push(await entry(path.join(unitDir, item.name), unit.name, null));
      else if (item.isDirectory()) {
        for (const f of await readDir(path.join(unitDir, item.name))) {
          if (f.isFile() && !f.name.startsWith('.')) entries.push(await entry(path.join(unitDir, item.name, f.name), unit.name, item.name));
        }
      }
    }
  }
  return entries;
}

async function entry(file: string, unitCode: string, procedureCode: string | null): Promise<InboxEntry> {
  const s = await fs.stat(file);
  return { file, unitCode, procedureCode, size: s.size, mtimeMs: s.mtimeMs };
}

async function readDir(dir: string) {
  return fs.readdir(dir, { withFileTypes: true }).catch(() => []);
}

async function takeFile(deps: IngestDeps, options: InboxOptions, entry: InboxEntry, log: Logger): Promise<void> {
  const bytes = await fs.readFile(entry.file);
  const name = path.basename(entry.file);
  try {
    const { batchId } = await receiveBatch(deps, {
      unitCode: entry.unitCode,
      procedureCode: entry.procedureCode,
      files: [{ name, bytes }],
      source: 'inbox',
      actor: `inbox:${entry.unitCode}`,
    });
    await fs.rm(entry.file);
    log.info({ batchId, file: entry.file }, 'inbox file received');
  } catch (err) {
    if (!(err instanceof AppError)) throw err; // infrastructure trouble: leave the file, try again next scan
    const where = await quarantineFile(options.quarantineDir, 'inbox', Date.now(), name, bytes, err.message);
    await fs.rm(entry.file);
    log.warn({ file: entry.file, reason: err.message, where }, 'inbox file quarantined');
  }
}
