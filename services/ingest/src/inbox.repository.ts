import type { Queryable } from '@sohoa/shared';

/** The only writer of inbox_files: which hot-folder file made which batch (or quarantine), until it is removed. */

export interface InboxFileKey { path: string; size: number; sha256: string }
export interface PendingInboxFile { id: string; batchId: string | null; quarantinedId: string | null }

/** A file taken but not yet removed from the hot folder: the same path, size and content. */
export async function findPending(db: Queryable, f: InboxFileKey): Promise<PendingInboxFile | null> {
  const { rows } = await db.query<PendingInboxFile>(
    `SELECT id, batch_id AS "batchId", quarantined_id AS "quarantinedId" FROM inbox_files
     WHERE path = $1 AND size = $2 AND sha256 = $3 AND state <> 'removed'`,
    [f.path, f.size, f.sha256],
  );
  return rows[0] ?? null;
}

/** Written in the transaction that registers the batch: both are there, or neither. */
export async function insertRegistered(db: Queryable, f: InboxFileKey & { batchId: string }): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO inbox_files (path, size, sha256, batch_id, state) VALUES ($1, $2, $3, $4, 'registered') RETURNING id`,
    [f.path, f.size, f.sha256, f.batchId],
  );
  return rows[0].id;
}

/** Written in the transaction that records the quarantined file. */
export async function insertQuarantined(db: Queryable, f: InboxFileKey & { quarantinedId: string }): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO inbox_files (path, size, sha256, quarantined_id, state) VALUES ($1, $2, $3, $4, 'quarantined') RETURNING id`,
    [f.path, f.size, f.sha256, f.quarantinedId],
  );
  return rows[0].id;
}

export async function markRemoved(db: Queryable, id: string): Promise<void> {
  await db.query(`UPDATE inbox_files SET state = 'removed', removed_at = now() WHERE id = $1`, [id]);
}

/** The partial unique index that refuses a second registration of a file still pending. */
export const isAlreadyPending = (err: unknown) =>
  (err as { code?: string; constraint?: string }).code === '23505' && (err as { constraint?: string }).constraint === 'inbox_files_pending';
