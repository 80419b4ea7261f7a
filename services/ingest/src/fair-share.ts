/**
 * Fair shares of the intake queues between units. pg-boss 10 hands out the highest priority first, then the oldest
 * job; each job of a unit is given minus the number of that unit's files (or pages) already waiting ahead of it. A
 * unit with nothing waiting starts at 0, so its small batch goes next even while another unit's 500 files wait at
 * -1 … -499; within one unit, work keeps its order. The counts come from the unit's own rows (files not yet split,
 * pages not yet read), read in the transaction that sends the jobs.
 */
import type { Queryable } from '@sohoa/shared';

/** The priority of the `index`-th new job of a unit that already has `ahead` waiting. */
export function fairPriority(ahead: number, index: number): number {
  return -(ahead + index);
}

/** Files of the unit still waiting to be split, in batches other than `exceptBatchId`. */
export async function unitFilesWaiting(db: Queryable, unitId: string, exceptBatchId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM batch_files f JOIN batches b ON b.id = f.batch_id
      WHERE f.status = 'received' AND b.unit_id = $1 AND f.batch_id <> $2`,
    [unitId, exceptBatchId],
  );
  return rows[0]?.n ?? 0;
}

/** Pages of the batch's unit still waiting to be read, other than those of the file `exceptFileId`. */
export async function unitPagesWaiting(db: Queryable, batchId: string, exceptFileId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pages p JOIN batches b ON b.id = p.batch_id
      WHERE p.status = 'pending' AND p.file_id <> $2 AND b.unit_id = (SELECT unit_id FROM batches WHERE id = $1)`,
    [batchId, exceptFileId],
  );
  return rows[0]?.n ?? 0;
}
