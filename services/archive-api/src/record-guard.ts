/**
 * The one guard in front of every change to a record's object (API, CLI, jobs): the object store asks it before
 * it writes or removes any key under records/ (runtime wiring: `store.guardRecords`), so no path, known or added
 * later, deletes or replaces a record's object while it is retained or held. Only the disposition job's deletion
 * of an item the archive lead approved passes, and the guard re-reads the holds at that moment.
 * A record's object changes only by a new version under a new key (record.extend): every key it ever had stays
 * guarded (record_versions), so the old object is neither replaced nor removed before the record may be.
 */
import { AppError, type Queryable } from '@sohoa/shared';
import { retentionEnded, vietnamDate } from './retention.ts';

export type ObjectChange = 'replace' | 'delete';

export interface GuardedRecordFacts {
  id: string;
  disposed: boolean;
  onHold: boolean;
  permanent: boolean;
  retainUntil: string | null;
  retentionProvisional: boolean;
  reviewAfter: string | null;
  /** An approved disposition list says "dispose" for it. */
  approvedForDisposition: boolean;
}

export interface Refusal { code: 'on-hold' | 'write-once' | 'retained' | 'file-open' | 'kept' | 'disposition-required' | 'disposed'; message: string }

/** Why the change is refused, or null when it may go ahead. Pure. */
export function objectChangeRefusal(r: GuardedRecordFacts | null, change: ObjectChange, today: string): Refusal | null {
  if (!r) return null; // no record holds this key (yet): record.archive writing it for the first time
  if (r.disposed) return change === 'delete' ? null : { code: 'disposed', message: `record ${r.id} was disposed of: its key is not written again` };
  if (r.onHold) return { code: 'on-hold', message: `record ${r.id} is on legal hold: nothing may change it until the archive lead lifts every hold` };
  if (change === 'replace') return { code: 'write-once', message: `record ${r.id} is write-once: its object is never replaced` };
  if (r.permanent) return { code: 'retained', message: `record ${r.id} is kept permanently` };
  if (!retentionEnded(r.retainUntil, today)) return { code: 'retained', message: `record ${r.id} is retained until ${r.retainUntil}` };
  if (r.retentionProvisional) return { code: 'file-open', message: `record ${r.id}'s file has not closed: its retention is not final` };
  if (r.reviewAfter && r.reviewAfter > today) return { code: 'kept', message: `record ${r.id} was kept by the archive lead until its review on ${r.reviewAfter}` };
  if (!r.approvedForDisposition) return { code: 'disposition-required', message: `record ${r.id} is due for disposition: it goes only through an approved disposition list` };
  return null;
}

const FACTS = `SELECT r.id, (r.disposed_at IS NOT NULL) AS disposed, record_on_hold(r.id, r.dossier_id) AS "onHold", r.permanent,
    to_char(r.retain_until, 'YYYY-MM-DD') AS "retainUntil", r.retention_provisional AS "retentionProvisional",
    to_char(r.review_after, 'YYYY-MM-DD') AS "reviewAfter",
    EXISTS (SELECT 1 FROM disposition_items i JOIN disposition_lists l ON l.id = i.list_id
            WHERE i.record_id = r.id AND i.decision = 'dispose' AND l.status = 'approved') AS "approvedForDisposition"
  FROM records r`;

export async function guardedRecordFacts(db: Queryable, by: { id: string } | { objectKey: string }): Promise<GuardedRecordFacts | null> {
  const { rows } = 'id' in by
    ? await db.query<GuardedRecordFacts>(`${FACTS} WHERE r.id = $1`, [by.id])
    : // A key the record held before a newer version (long-term validation) is still that record's: write-once,
      // retained and held like the current one. A key no record has held yet (a first or next version) is free.
      await db.query<GuardedRecordFacts>(
        `${FACTS} WHERE r.object_key = $1 OR r.id IN (SELECT record_id FROM record_versions WHERE object_key = $1) ORDER BY r.disposed_at NULLS FIRST LIMIT 1`,
        [by.objectKey],
      );
  return rows[0] ?? null;
}

/** Throws 409 with the reason unless the change may go ahead now. */
export async function assertRecordObjectMayChange(db: Queryable, by: { id: string } | { objectKey: string }, change: ObjectChange, now = new Date()): Promise<void> {
  const refusal = objectChangeRefusal(await guardedRecordFacts(db, by), change, vietnamDate(now));
  if (refusal) throw new AppError(refusal.code, refusal.message, 409);
}

/** The guard the object store calls for keys under records/. */
export const recordObjectGuard = (db: Queryable) => (key: string, change: ObjectChange) => assertRecordObjectMayChange(db, { objectKey: key }, change);
