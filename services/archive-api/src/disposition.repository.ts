/** The only writer of disposition_lists, disposition_items, disposition_open_items and record_tombstones. */
import type { Queryable } from '@sohoa/shared';

export interface ListRow {
  id: string; unit_id: string; status: 'proposed' | 'approved' | 'rejected' | 'executed'; note: string | null; proposed_by: string; proposed_at: Date;
  decided_by: string | null; decided_at: Date | null; decision_reason: string | null; executed_at: Date | null; minute_record_id: string | null;
}
export interface ItemRow { list_id: string; record_id: string; decision: 'pending' | 'dispose' | 'keep'; review_after: string | null; keep_reason: string | null; outcome: string | null }

export async function insertList(db: Queryable, l: { unitId: string; note: string | null; proposedBy: string; recordIds: string[] }): Promise<ListRow> {
  const { rows } = await db.query<ListRow>('INSERT INTO disposition_lists (unit_id, note, proposed_by) VALUES ($1, $2, $3) RETURNING *', [l.unitId, l.note, l.proposedBy]);
  const list = rows[0]!;
  await db.query('INSERT INTO disposition_items (list_id, record_id) SELECT $1, unnest($2::uuid[])', [list.id, l.recordIds]);
  // A record already in an open list fails here (primary key): proposing it twice is refused.
  await db.query('INSERT INTO disposition_open_items (record_id, list_id) SELECT unnest($2::uuid[]), $1', [list.id, l.recordIds]);
  return list;
}

export async function listById(db: Queryable, id: string, lock = false): Promise<ListRow | null> {
  const { rows } = await db.query<ListRow>(`SELECT * FROM disposition_lists WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] ?? null;
}

/** The lists of these units (null: every unit), in one status or any, newest first, with their item counts. */
export async function listsOf(db: Queryable, q: { units: string[] | null; status: ListRow['status'] | null; limit: number }): Promise<(ListRow & { items: number })[]> {
  const { rows } = await db.query<ListRow & { items: number }>(
    `SELECT l.*, (SELECT count(*)::int FROM disposition_items i WHERE i.list_id = l.id) AS items FROM disposition_lists l
     WHERE ($1::uuid[] IS NULL OR l.unit_id = ANY($1)) AND ($2::text IS NULL OR l.status = $2) ORDER BY l.proposed_at DESC, l.id LIMIT $3`,
    [q.units, q.status, q.limit],
  );
  return rows;
}

export async function itemsOf(db: Queryable, listId: string): Promise<ItemRow[]> {
  const { rows } = await db.query<ItemRow>(
    `SELECT list_id, record_id, decision, to_char(review_after, 'YYYY-MM-DD') AS review_after, keep_reason, outcome FROM disposition_items WHERE list_id = $1 ORDER BY record_id`,
    [listId],
  );
  return rows;
}

export async function decideList(db: Queryable, id: string, d: { status: 'approved' | 'rejected'; decidedBy: string; reason: string | null }): Promise<void> {
  await db.query(`UPDATE disposition_lists SET status = $2, decided_by = $3, decided_at = now(), decision_reason = $4 WHERE id = $1 AND status = 'proposed'`, [id, d.status, d.decidedBy, d.reason]);
}

export async function decideItems(db: Queryable, listId: string, keep: { recordId: string; reviewAfter: string; reason: string | null }[], rest: 'dispose' | null): Promise<void> {
  for (const k of keep) {
    await db.query(`UPDATE disposition_items SET decision = 'keep', review_after = $3, keep_reason = $4 WHERE list_id = $1 AND record_id = $2`, [listId, k.recordId, k.reviewAfter, k.reason]);
  }
  if (rest) await db.query(`UPDATE disposition_items SET decision = $2 WHERE list_id = $1 AND decision = 'pending'`, [listId, rest]);
  // A kept record leaves the open lists: a later list may propose it again once its review date has come.
  await db.query(`DELETE FROM disposition_open_items o USING disposition_items i WHERE o.record_id = i.record_id AND o.list_id = $1 AND i.list_id = $1 AND i.decision = 'keep'`, [listId]);
}

export async function itemOutcome(db: Queryable, listId: string, recordId: string, outcome: string): Promise<void> {
  await db.query('UPDATE disposition_items SET outcome = $3, outcome_at = now() WHERE list_id = $1 AND record_id = $2 AND outcome IS NULL', [listId, recordId, outcome]);
  await db.query('DELETE FROM disposition_open_items WHERE record_id = $1 AND list_id = $2', [recordId, listId]);
}

export async function insertTombstone(
  db: Queryable,
  t: { recordId: string; unitId: string; dossierId: string | null; bucket: string; objectKey: string; versions: string[]; sha256: string; size: number; metadata: object; listId: string; proposedBy: string; approvedBy: string; approvedAt: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO record_tombstones (record_id, unit_id, dossier_id, bucket, object_key, versions_deleted, sha256, size, metadata, list_id, proposed_by, approved_by, approved_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (record_id) DO NOTHING`,
    [t.recordId, t.unitId, t.dossierId, t.bucket, t.objectKey, t.versions, t.sha256, t.size, t.metadata, t.listId, t.proposedBy, t.approvedBy, t.approvedAt],
  );
}

export async function listExecuted(db: Queryable, id: string, minuteRecordId: string): Promise<void> {
  await db.query(`UPDATE disposition_lists SET status = 'executed', executed_at = now(), minute_record_id = $2 WHERE id = $1 AND status = 'approved'`, [id, minuteRecordId]);
}

export async function tombstone(db: Queryable, recordId: string) {
  const { rows } = await db.query('SELECT * FROM record_tombstones WHERE record_id = $1', [recordId]);
  return rows[0] ?? null;
}
