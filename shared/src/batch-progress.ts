import type { Queryable } from './db.ts';
import type { Queue } from './queue.ts';

/**
 * Every file of the batch split or rejected and no page waiting for OCR: the batch can be cut into documents.
 * The OCR stage asks it before queueing batch.split; the split job asks again, since two pages may finish at once.
 */
export async function batchReadyToSplit(db: Queryable, batchId: string): Promise<boolean> {
  const { rows } = await db.query<{ waiting: string }>(
    `SELECT (SELECT count(*) FROM batch_files WHERE batch_id = $1 AND status = 'received')
          + (SELECT count(*) FROM pages WHERE batch_id = $1 AND status = 'pending') AS waiting`,
    [batchId],
  );
  return Number(rows[0].waiting) === 0;
}

/**
 * Called in the transaction that settled a file or a page (done, failed, quarantined): queues batch.split in that
 * transaction when nothing else of the batch waits. The batch row is locked first, so of two pages settling at
 * once the second to commit sees the first, and one of them queues the split: without the lock each could see
 * the other still pending and neither would.
 */
export async function queueSplitWhenReady(tx: Queryable, queue: Queue, batchId: string): Promise<boolean> {
  await tx.query('SELECT 1 FROM batches WHERE id = $1 FOR NO KEY UPDATE', [batchId]);
  if (!(await batchReadyToSplit(tx, batchId))) return false;
  await queue.send('batch.split', { batchId }, { tx });
  return true;
}
