import type { Queryable } from './db.ts';

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
