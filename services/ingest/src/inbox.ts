import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { watch } from 'chokidar';
import { AppError, IntakeFull, isUnitCode, recordAudit, safeFileName, withTransaction, type Logger } from '@sohoa/shared';
import { receiveBatch, type IngestDeps } from './batch.service.ts';
import { digestFile } from './file-digest.ts';
import * as inbox from './inbox.repository.ts';
import * as quarantined from './quarantine.repository.ts';
import { quarantineKey, storeQuarantined } from './quarantine.ts';

export interface InboxOptions { dir: string; pollMs: number; settleMs: number }
export interface InboxWatcher {
  /** Settled once the files already in the hot folder have been found. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

/**
 * The hot folder counter scanners write into: data/inbox/<unit code>/[<procedure code>/]file.
 * Polling (not inotify): scanners often write over SMB/NFS shares where change events do not arrive. A file is
 * taken once its size has not changed for `settleMs`; files whose name (or folder) starts with a dot are partial
 * uploads by convention and left alone. Each file is taken exactly once (see takeInboxFile).
 */
export function watchInbox(deps: IngestDeps, options: InboxOptions, log: Logger): InboxWatcher {
  const waiting = new Set<string>();
  /** Files left for a later try (a full queue, the database away): not taken up again before their time. */
  const deferred = new Set<string>();
  const retries = new Set<NodeJS.Timeout>();
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  const enqueue = (file: string) => {
    if (stopped || waiting.has(file)) return;
    waiting.add(file);
    running = running.then(async () => {
      waiting.delete(file);
      if (stopped) return;
      try {
        await takeInboxFile(deps, options.dir, file, log);
      } catch (err) {
        if (err instanceof IntakeFull) {
          // Back-pressure: the file waits in the hot folder (nothing is taken, nothing refused) until the queue drains.
          log.info({ file, retryAfterSeconds: err.retryAfterSeconds }, 'queue full: inbox file left for later');
          later(file, err.retryAfterSeconds * 1000);
          return;
        }
        // Infrastructure trouble (database, object store): the file stays, and is tried again a little later.
        log.error({ err, file }, 'inbox file not taken; will retry');
        later(file, options.pollMs * 5);
      }
    });
  };
  const later = (file: string, ms: number) => {
    deferred.add(file);
    const retry = setTimeout(() => {
      retries.delete(retry);
      deferred.delete(file);
      enqueue(file);
    }, ms);
    retries.add(retry);
  };

  const watching = fs.mkdir(options.dir, { recursive: true }).then(
    () =>
      new Promise<ReturnType<typeof watch>>((resolve) => {
        const watcher = watch(options.dir, {
          usePolling: true,
          interval: options.pollMs,
          binaryInterval: options.pollMs,
          depth: 2, // <unit>/<procedure>/<file>
          followSymlinks: false, // a link could point anywhere on this machine
          ignored: (file) => path.relative(options.dir, file).split(path.sep).some((part) => part.startsWith('.')),
          awaitWriteFinish: options.settleMs > 0 ? { stabilityThreshold: options.settleMs, pollInterval: options.pollMs } : false,
        });
        watcher.on('add', enqueue);
        watcher.on('error', (err) => log.error({ err }, 'inbox watch failed'));
        watcher.once('ready', () => resolve(watcher));
      }),
  );
  const ready = watching.then(
    () => undefined,
    (err) => log.error({ err, dir: options.dir }, 'the hot folder cannot be watched'),
  );
  // chokidar's polling reads a new folder, then starts polling it: a file written in between changes nothing it
  // compares afterwards, and was never taken (seen once in test/start.test.ts: a procedure folder made and a scan
  // copied into it at once). A walk of the whole folder now and then takes what the watcher missed; a file taken
  // already is gone, and one waiting is not queued twice.
  const rescan = setInterval(() => {
    void settledInboxFiles(options.dir, options.settleMs + options.pollMs).then(
      (files) => files.filter((file) => !deferred.has(file)).forEach(enqueue),
      (err) => log.warn({ err, dir: options.dir }, 'the hot folder could not be walked'),
    );
  }, options.pollMs * 10);
  rescan.unref();
  return {
    ready,
    async stop() {
      stopped = true;
      clearInterval(rescan);
      for (const retry of retries) clearTimeout(retry);
      await ready;
      await (await watching.catch(() => null))?.close();
      await running;
    },
  };
}

/**
 * The files of the hot folder where a scanner writes (<unit>/[<procedure>/]file, no dot names, no links) that no one
 * has written for `quietMs`: a scanner still writing keeps its file's mtime fresh.
 */
export async function settledInboxFiles(dir: string, quietMs: number, now = Date.now()): Promise<string[]> {
  const found: string[] = [];
  const walk = async (folder: string, depth: number): Promise<void> => {
    const entries = await fs.readdir(folder, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(folder, entry.name);
      if (entry.isDirectory() && depth < 2) await walk(full, depth + 1);
      else if (entry.isFile() && depth > 0) {
        const stat = await fs.lstat(full).catch(() => null);
        if (stat && now - stat.mtimeMs >= quietMs) found.push(full);
      }
    }
  };
  await walk(dir, 0);
  return found;
}

/**
 * Takes one hot-folder file exactly once: registers it (a batch, or the quarantine) with a note of its path, size
 * and SHA-256 in the same transaction, then removes it. A process that dies between the two finds the note on the
 * next start and only finishes the removal.
 */
export async function takeInboxFile(deps: IngestDeps, dir: string, file: string, log: Logger): Promise<void> {
  const registered = await registerInboxFile(deps, dir, file, log);
  if (!registered) return;
  await fs.rm(file, { force: true });
  await inbox.markRemoved(deps.db, registered.id);
}

/** Where a file lies in the hot folder, and what its folders say; null for a file outside <unit>/[<procedure>/]. */
export function inboxPlace(dir: string, file: string): { relativePath: string; unitCode: string; procedureCode: string | null } | null {
  const relativePath = path.relative(dir, file);
  const parts = relativePath.split(path.sep);
  if (parts.length < 2 || parts.length > 3 || parts[0] === '..') return null;
  return { relativePath: parts.join('/'), unitCode: parts[0], procedureCode: parts.length === 3 ? parts[1] : null };
}

/**
 * The first half of taking a file: its batch (or quarantine) and its inbox_files note, committed together.
 * Returns the note, also when an earlier run (or another process watching the same share) registered it already;
 * null when there is nothing to take.
 */
export async function registerInboxFile(deps: IngestDeps, dir: string, file: string, log: Logger): Promise<inbox.PendingInboxFile | null> {
  const place = inboxPlace(dir, file);
  if (!place) return null; // not where a scanner writes: left alone
  const stat = await fs.lstat(file).catch(() => null);
  if (!stat?.isFile()) return null; // gone meanwhile, or a link: a link could point anywhere on this machine
  const digest = await digestFile(file);
  const key = { path: place.relativePath, ...digest };
  const earlier = await inbox.findPending(deps.db, key);
  if (earlier) {
    log.info({ file, batchId: earlier.batchId }, 'inbox file registered before; finishing its removal');
    return earlier;
  }

  const name = path.basename(file);
  try {
    let noteId = '';
    const { batchId } = await receiveBatch(deps, {
      unitCode: place.unitCode,
      procedureCode: place.procedureCode,
      files: [{ name, path: file, ...digest }],
      source: 'inbox',
      actor: `inbox:${place.unitCode}`,
      alsoRecord: async (tx, id) => {
        noteId = await inbox.insertRegistered(tx, { ...key, batchId: id });
        await assertStillThere(file);
      },
    });
    log.info({ batchId, file }, 'inbox file received');
    return { id: noteId, batchId, quarantinedId: null };
  } catch (err) {
    if (err instanceof TakenMeanwhile) return null;
    if (inbox.isAlreadyPending(err)) return inbox.findPending(deps.db, key);
    if (err instanceof IntakeFull || !(err instanceof AppError)) throw err; // a full queue is no reason to quarantine
    // Refused (no such unit, a folder name that is no code…): kept in the object store's quarantine with the reason.
    const reason = err.message;
    const shownName = safeFileName(name) || 'file'; // as a batch would have named it
    const kept = await storeQuarantined(deps.store, quarantineKey({ inboxId: randomUUID() }, name), shownName, { path: file, ...digest }, reason);
    const note = await withTransaction(deps.db, async (tx) => {
      const quarantinedId = await quarantined.insertQuarantined(tx, {
        batchId: null, fileId: null, unitCode: isUnitCode(place.unitCode) ? place.unitCode : null, inboxPath: place.relativePath, name: shownName, reason, ...kept,
      });
      await recordAudit(tx, { actor: 'inbox', action: 'file.quarantined', subjectType: 'file', subjectId: quarantinedId, detail: { reason, inboxPath: place.relativePath } });
      const id = await inbox.insertQuarantined(tx, { ...key, quarantinedId });
      await assertStillThere(file);
      return { id, batchId: null, quarantinedId };
    }).catch(async (txErr) => {
      if (txErr instanceof TakenMeanwhile) return null;
      if (inbox.isAlreadyPending(txErr)) return inbox.findPending(deps.db, key);
      throw txErr;
    });
    log.warn({ file, reason }, 'inbox file quarantined');
    return note;
  }
}

/** Another process took the file (registered, removed, noted) while this one was reading it. */
class TakenMeanwhile extends Error {}

/**
 * Checked after this process's note is written, in the same transaction: a note of another process still pending
 * makes that write fail (the unique index); one already marked removed means that process removed the file
 * first (it removes, then marks). Either way the file is not registered twice.
 */
async function assertStillThere(file: string): Promise<void> {
  if (!(await fs.lstat(file).catch(() => null))) throw new TakenMeanwhile(file);
}
