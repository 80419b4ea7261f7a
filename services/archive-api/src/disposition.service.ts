/**
 * Disposition (the project brief's ../shared/domain.md beside the checkout: "Nothing is destroyed because a date passed"): the nightly scan lists the records due
 * (retention ended, file closed, not held, no "keep" pending); an archivist ('disposition:propose') proposes a list
 * of them, one fonds per list; the archive lead ('disposition:approve'), never the proposer, approves it (some items
 * may be kept, each with a new review date) or rejects it (all kept until a review date). Only an approved list is
 * carried out, by the disposition.execute job (disposition.job.ts).
 */
import {
  AppError, actorOf, holds as holdsAt, recordAudit, requirePermission, unitFilter, withTransaction, type Caller, type Db, type Queryable, type Queue,
} from '@sohoa/shared';
import * as records from './archive.repository.ts';
import * as repo from './disposition.repository.ts';
import { guardedRecordFacts, objectChangeRefusal } from './record-guard.ts';
import { vietnamDate } from './retention.ts';

export interface DispositionDeps { db: Db; queue: Queue }

/** The nightly scan (disposition.scan): returns how many became due and how many stopped being due. */
export async function scanDue(db: Db, now = new Date()): Promise<{ listed: number; cleared: number }> {
  return records.markDue(db, vietnamDate(now));
}

export async function dueRecords(db: Queryable, caller: Caller, limit = 1000) {
  const units = unitFilter(caller, 'disposition:propose');
  const { rows } = await db.query(
    `SELECT r.id, r.unit_id AS "unitId", d.code AS dossier, r.metadata->>'title' AS title, to_char(r.retain_until, 'YYYY-MM-DD') AS "retainUntil",
            to_char(r.due_since, 'YYYY-MM-DD') AS "dueSince", EXISTS (SELECT 1 FROM disposition_open_items o WHERE o.record_id = r.id) AS proposed
     FROM records r LEFT JOIN dossiers d ON d.id = r.dossier_id
     WHERE r.due_since IS NOT NULL AND ($1::uuid[] IS NULL OR r.unit_id = ANY($1)) ORDER BY r.retain_until, r.id LIMIT $2`,
    [units, limit],
  );
  return rows;
}

/** Why a record may not be proposed (the guard's answer, as if approved), or null. */
async function notDisposable(db: Queryable, recordId: string, today: string): Promise<string | null> {
  const facts = await guardedRecordFacts(db, { id: recordId });
  if (!facts) return `record ${recordId} not found`;
  if (facts.disposed) return `record ${recordId} was already disposed of`;
  return objectChangeRefusal({ ...facts, approvedForDisposition: true }, 'delete', today)?.message ?? null;
}

export async function propose(deps: DispositionDeps, caller: Caller, o: { records: string[]; note?: string | null }) {
  const ids = [...new Set(o.records)];
  return withTransaction(deps.db, async (tx) => {
    const { rows } = await tx.query<{ id: string; unit_id: string; kind: string }>('SELECT id, unit_id, kind FROM records WHERE id = ANY($1::uuid[]) FOR UPDATE', [ids]);
    const found = new Map(rows.map((r) => [r.id, r]));
    for (const id of ids) requirePermission(caller, 'disposition:propose', found.get(id)?.unit_id ?? null, `record ${id} not found`);
    const unitIds = new Set(rows.map((r) => r.unit_id));
    if (unitIds.size !== 1) throw new AppError('one-fonds', 'a disposition list holds the records of one unit (fonds): its minute is signed by that unit', 422);
    const today = vietnamDate(new Date());
    for (const id of ids) {
      const why = await notDisposable(tx, id, today);
      if (why) throw new AppError('not-due', why, 409);
    }
    const { rows: open } = await tx.query<{ record_id: string; list_id: string }>('SELECT record_id, list_id FROM disposition_open_items WHERE record_id = ANY($1::uuid[])', [ids]);
    if (open[0]) throw new AppError('already-proposed', `record ${open[0].record_id} is already in disposition list ${open[0].list_id}`, 409);
    const list = await repo.insertList(tx, { unitId: [...unitIds][0]!, note: o.note ?? null, proposedBy: actorOf(caller), recordIds: ids });
    await recordAudit(tx, { actor: actorOf(caller), action: 'disposition.proposed', subjectType: 'disposition', subjectId: list.id, detail: { records: ids, note: o.note ?? null } });
    return listView(tx, list.id);
  });
}

export interface KeepDecision { record: string; reviewAfter: string; reason?: string | null }

async function decisionOpen(tx: Queryable, caller: Caller, listId: string): Promise<repo.ListRow> {
  const list = await repo.listById(tx, listId, true);
  requirePermission(caller, 'disposition:approve', list?.unit_id ?? null, 'disposition list not found');
  if (list!.status !== 'proposed') throw new AppError('already-decided', `the list is ${list!.status}`, 409);
  if (list!.proposed_by === actorOf(caller)) {
    throw new AppError('proposer-cannot-approve', 'the archive lead who decides a disposition list must not be the one who proposed it', 403);
  }
  return list!;
}

function reviewDate(value: string, today: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) throw new AppError('invalid-input', 'reviewAfter: a date YYYY-MM-DD', 422);
  if (value <= today) throw new AppError('invalid-input', 'reviewAfter: a date after today', 422);
  return value;
}

/** Approves the list, keeping the items named in `keep` until their review dates; the job then carries it out. */
export async function approve(deps: DispositionDeps, caller: Caller, listId: string, o: { reason?: string | null; keep?: KeepDecision[] }) {
  return withTransaction(deps.db, async (tx) => {
    await decisionOpen(tx, caller, listId);
    const today = vietnamDate(new Date());
    const items = new Set((await repo.itemsOf(tx, listId)).map((i) => i.record_id));
    const keep = (o.keep ?? []).map((k) => {
      if (!items.has(k.record)) throw new AppError('invalid-input', `keep: record ${k.record} is not in this list`, 422);
      return { recordId: k.record, reviewAfter: reviewDate(k.reviewAfter, today), reason: k.reason ?? null };
    });
    await repo.decideItems(tx, listId, keep, 'dispose');
    for (const k of keep) await records.keepUntil(tx, k.recordId, k.reviewAfter);
    await repo.decideList(tx, listId, { status: 'approved', decidedBy: actorOf(caller), reason: o.reason ?? null });
    await recordAudit(tx, { actor: actorOf(caller), action: 'disposition.approved', subjectType: 'disposition', subjectId: listId, detail: { reason: o.reason ?? null, keep } });
    await deps.queue.send('disposition.execute', { listId }, { tx });
    return listView(tx, listId);
  });
}

/** Rejects the whole list: every item is kept until the review date. */
export async function reject(deps: DispositionDeps, caller: Caller, listId: string, o: { reason: string; reviewAfter: string }) {
  return withTransaction(deps.db, async (tx) => {
    await decisionOpen(tx, caller, listId);
    const reviewAfter = reviewDate(o.reviewAfter, vietnamDate(new Date()));
    const keep = (await repo.itemsOf(tx, listId)).map((i) => ({ recordId: i.record_id, reviewAfter, reason: o.reason }));
    await repo.decideItems(tx, listId, keep, null);
    for (const k of keep) await records.keepUntil(tx, k.recordId, reviewAfter);
    await repo.decideList(tx, listId, { status: 'rejected', decidedBy: actorOf(caller), reason: o.reason });
    await recordAudit(tx, { actor: actorOf(caller), action: 'disposition.rejected', subjectType: 'disposition', subjectId: listId, detail: { reason: o.reason, reviewAfter } });
    return listView(tx, listId);
  });
}

export async function listView(db: Queryable, listId: string, caller?: Caller) {
  const list = await repo.listById(db, listId);
  const may = ['disposition:propose', 'disposition:approve', 'records:read'] as const;
  const heldSomewhere = (p: (typeof may)[number]) => {
    const units = caller!.grants.get(p);
    return units === 'all' || (units !== undefined && units.size > 0);
  };
  if (caller && !may.some(heldSomewhere)) {
    throw new AppError('forbidden', `this needs one of the ${may.join(', ')} permissions`, 403); // held nowhere
  }
  if (caller && !(list && (holdsAt(caller, 'disposition:propose', list.unit_id) || holdsAt(caller, 'disposition:approve', list.unit_id) || holdsAt(caller, 'records:read', list.unit_id)))) {
    throw new AppError('not-found', 'disposition list not found', 404);
  }
  if (!list) throw new AppError('not-found', 'disposition list not found', 404);
  const items = await repo.itemsOf(db, listId);
  return {
    id: list.id, unit: list.unit_id, status: list.status, note: list.note, proposedBy: list.proposed_by, proposedAt: list.proposed_at,
    decidedBy: list.decided_by, decidedAt: list.decided_at, decisionReason: list.decision_reason, executedAt: list.executed_at, minute: list.minute_record_id,
    items: items.map((i) => ({ record: i.record_id, decision: i.decision, reviewAfter: i.review_after, keepReason: i.keep_reason, outcome: i.outcome })),
  };
}

const listReaders = ['disposition:propose', 'disposition:approve', 'records:read'] as const;

/**
 * The lists of the units where the caller proposes, approves or reads records, newest first: what the archive
 * lead has waiting (status 'proposed') and what was decided and carried out. A caller holding none of the three
 * anywhere is refused (403), as for one list.
 */
export async function lists(db: Queryable, caller: Caller, o: { status?: repo.ListRow['status'] | null; limit?: number } = {}) {
  let units: Set<string> | null = new Set();
  let heldAnywhere = false;
  for (const p of listReaders) {
    const where = caller.grants.get(p);
    if (where === 'all') units = null;
    else if (where && where.size > 0 && units) where.forEach((u) => units!.add(u));
    heldAnywhere ||= where === 'all' || (where !== undefined && where.size > 0);
  }
  if (!heldAnywhere) throw new AppError('forbidden', `this needs one of the ${listReaders.join(', ')} permissions`, 403);
  const rows = await repo.listsOf(db, { units: units && [...units], status: o.status ?? null, limit: o.limit ?? 200 });
  return rows.map((l) => ({
    id: l.id, unit: l.unit_id, status: l.status, note: l.note, proposedBy: l.proposed_by, proposedAt: l.proposed_at, decidedBy: l.decided_by,
    decidedAt: l.decided_at, decisionReason: l.decision_reason, executedAt: l.executed_at, minute: l.minute_record_id, itemCount: l.items,
  }));
}

/** What is left of a disposed record. */
export async function tombstoneOf(db: Queryable, recordId: string) {
  const t = await repo.tombstone(db, recordId);
  if (!t) return null;
  return {
    record: t.record_id, unit: t.unit_id, dossier: t.dossier_id, bucket: t.bucket, objectKey: t.object_key, versionsDeleted: t.versions_deleted,
    sha256: t.sha256, size: Number(t.size), metadata: t.metadata, list: t.list_id, proposedBy: t.proposed_by, approvedBy: t.approved_by,
    approvedAt: t.approved_at, disposedAt: t.disposed_at,
  };
}
