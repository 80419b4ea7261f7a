import { batchRepository, pageSourceKey, queueSplitWhenReady, recordAudit, withTransaction, type Db, type JobHandler, type ObjectStore, type Queue } from '@sohoa/shared';
import * as repo from './batch.repository.ts';
import { fairPriority, unitPagesWaiting } from './fair-share.ts';
import { quarantineBatchFile } from './quarantine.ts';
import { ScanRejected } from './scan-reader.ts';
import { scanThreads, type ScanThreads } from './scan-thread.ts';

export interface SplitDeps {
  db: Db;
  store: ObjectStore;
  queue: Queue;
  maxPagePixels: number;
  /** MAX_FILE_PIXELS: all pages of one file together. */
  maxFilePixels?: number;
  /** Where files are read (worker threads, off the event loop); absent: threads of this job's own. */
  scans?: ScanThreads;
  /** OCR_THREAD_NICE: niceness of the threads of this job's own. */
  threadNice?: number;
  /** SCAN_THREAD_IDLE_MS: how long a thread of this job's own waits for the next file before it ends. */
  scanThreadIdleMs?: number;
}

/** ingest.file: a received file becomes pages (each queued for OCR), or is quarantined with its reason. */
export function splitFileJob(deps: SplitDeps): JobHandler<'ingest.file'> {
  const scans = deps.scans ?? scanThreads({ nice: deps.threadNice, idleMs: deps.scanThreadIdleMs });
  return {
    async run({ fileId }) {
      const file = await repo.getFile(deps.db, fileId);
      if (!file) return { status: 'skipped', reason: 'file not found' };
      if (file.status === 'quarantined' || file.status === 'failed') return { status: 'skipped', reason: `file already ${file.status}` };

      const bytes = await deps.store.get(file.object_key);
      let pages;
      try {
        pages = await scans.read(bytes, { maxPixels: deps.maxPagePixels, maxFilePixels: deps.maxFilePixels });
      } catch (err) {
        if (!(err instanceof ScanRejected)) throw err;
        // In the object store, not on this worker's disk: any API process lists and serves it.
        const quarantined = await quarantineBatchFile(deps, { batchId: file.batch_id, fileId: file.id, position: file.position, name: file.name, unitCode: file.unit_code }, bytes, err.reason);
        await withTransaction(deps.db, async (tx) => {
          await batchRepository.markFile(tx, file.id, 'quarantined', { error: err.reason });
          await recordAudit(tx, { actor: 'system', action: 'file.quarantined', subjectType: 'file', subjectId: file.id, detail: { reason: err.reason, quarantined } });
          await queueSplitWhenReady(tx, deps.queue, file.batch_id);
        });
        return { status: 'failed', reason: err.reason };
      }

      // Pages go to the object store so any OCR worker, on any machine, can take them; their rows, the file's status
      // and their OCR jobs are committed together.
      const sourceKeys: string[] = [];
      for (const page of pages) {
        const sourceKey = pageSourceKey(file.batch_id, file.id, page.index, page.format === 'jpeg' ? 'jpg' : page.format);
        await deps.store.put(sourceKey, page.image, { contentType: `image/${page.format}` });
        sourceKeys.push(sourceKey);
      }
      await withTransaction(deps.db, async (tx) => {
        const queued: string[] = [];
        for (const [i, page] of pages.entries()) {
          const row = await batchRepository.upsertPage(tx, { fileId: file.id, batchId: file.batch_id, pageIndex: page.index, sourceKey: sourceKeys[i], dpi: page.dpi ? Math.round(page.dpi) : null });
          if (row.status === 'pending') queued.push(row.id);
        }
        await batchRepository.markFile(tx, file.id, 'split', { pageCount: pages.length });
        // Behind the unit's pages already waiting, ahead of another unit's long backlog (fair-share.ts).
        const ahead = queued.length ? await unitPagesWaiting(tx, file.batch_id, file.id) : 0;
        for (const [i, pageId] of queued.entries()) await deps.queue.send('ocr.page', { pageId }, { tx, priority: fairPriority(ahead, i) });
        // No page left to read (a file without pages, or a rerun after its pages were read): the split may be due.
        if (queued.length === 0) await queueSplitWhenReady(tx, deps.queue, file.batch_id);
      });
      return { status: 'done' };
    },
    async giveUp({ fileId }, error) {
      await withTransaction(deps.db, async (tx) => {
        const file = await repo.getFile(tx, fileId);
        if (!file) return;
        await batchRepository.markFile(tx, fileId, 'failed', { error: `could not be read: ${error}` });
        await queueSplitWhenReady(tx, deps.queue, file.batch_id);
      });
    },
  };
}
