/**
 * Legal holds (the project brief's ../shared/domain.md beside the checkout: "A legal hold stops disposition"): an archivist places one on a record, a dossier (its
 * archival file) or a result set, with a reason and a reference (a court order, an inspection); only the archive
 * lead ('holds:lift') lifts it, with a reason. Every change is audited in the transaction that makes it, and the
 * records' legal_hold flag (and, on a store with Object Lock, each object's S3 legal hold) follows.
 */
import {
  AppError, actorOf, recordAudit, requirePermission, withTransaction, type Caller, type Db, type ObjectStore, type Queryable,
} from '@sohoa/shared';
import * as records from './archive.repository.ts';
import * as repo from './holds.repository.ts';

export interface HoldDeps { db: Db; store: ObjectStore }
export interface PlaceHoldOptions { reason: string; reference: string }

export interface HoldView {
  id: string; scope: repo.HoldScope; record: string | null; dossier: string | null; records: string[] | null;
  reason: string; reference: string; placedBy: string; placedAt: Date; liftedBy: string | null; liftedAt: Date | null; liftReason: string | null;
}

/** A dossier is named by its code, as the routes take it, whichever way the hold is read. */
const view = (h: repo.HoldRow): HoldView => ({
  id: h.id, scope: h.scope, record: h.record_id, dossier: h.dossier_code, records: h.record_ids,
  reason: h.reason, reference: h.reference, placedBy: h.placed_by, placedAt: h.placed_at, liftedBy: h.lifted_by, liftedAt: h.lifted_at, liftReason: h.lift_reason,
});

interface RecordUnit { id: string; unit_id: string; dossier_id: string | null; disposed: boolean }

async function recordUnits(db: Queryable, ids: string[]): Promise<RecordUnit[]> {
  const { rows } = await db.query<RecordUnit>('SELECT id, unit_id, dossier_id, (disposed_at IS NOT NULL) AS disposed FROM records WHERE id = ANY($1::uuid[])', [ids]);
  return rows;
}

async function recordFor(db: Queryable, caller: Caller, recordId: string, permission: 'holds:place' | 'holds:lift'): Promise<RecordUnit> {
  const [record] = await recordUnits(db, [recordId]);
  requirePermission(caller, permission, record?.unit_id ?? null, 'record not found');
  return record!;
}

async function dossierFor(db: Queryable, caller: Caller, code: string, permission: 'holds:place' | 'holds:lift'): Promise<{ id: string; code: string; unit_id: string }> {
  const { rows } = await db.query<{ id: string; code: string; unit_id: string }>('SELECT id, code, unit_id FROM dossiers WHERE code = $1', [code]);
  requirePermission(caller, permission, rows[0]?.unit_id ?? null, 'dossier not found');
  return rows[0]!;
}

/** After a change: the flag on each record touched, and the S3 legal hold where the store has Object Lock. */
async function followHolds(deps: HoldDeps, tx: Queryable, scope: { recordIds?: string[]; dossierId?: string }): Promise<void> {
  const touched = await records.refreshLegalHold(tx, scope);
  if (!deps.store.objectLock) return;
  for (const r of touched.filter((t) => t.changed)) await holdEveryVersion(deps, tx, r);
}

/** The S3 legal hold on each object version the record has had (long-term validation adds versions under new keys). */
async function holdEveryVersion(deps: HoldDeps, tx: Queryable, r: { id: string; object_key: string; object_version_id: string | null; legal_hold: boolean }): Promise<void> {
  const versions = await records.recordVersionObjects(tx, r.id);
  const objects = versions.length ? versions : [{ objectKey: r.object_key, objectVersionId: r.object_version_id }];
  for (const v of objects) await deps.store.setLegalHold(v.objectKey, r.legal_hold, v.objectVersionId ?? undefined);
}

export async function placeRecordHold(deps: HoldDeps, caller: Caller, recordId: string, o: PlaceHoldOptions): Promise<HoldView> {
  return withTransaction(deps.db, async (tx) => {
    const record = await recordFor(tx, caller, recordId, 'holds:place');
    if (record.disposed) throw new AppError('disposed', 'the record was disposed of: nothing is left to hold', 409);
    const hold = await repo.insertHold(tx, { scope: 'record', recordId, reason: o.reason, reference: o.reference, placedBy: actorOf(caller) });
    await recordAudit(tx, { actor: actorOf(caller), action: 'hold.placed', subjectType: 'record', subjectId: recordId, detail: { hold: hold.id, reason: o.reason, reference: o.reference } });
    await followHolds(deps, tx, { recordIds: [recordId] });
    return view(hold);
  });
}

export async function placeDossierHold(deps: HoldDeps, caller: Caller, dossierCode: string, o: PlaceHoldOptions): Promise<HoldView> {
  return withTransaction(deps.db, async (tx) => {
    const dossier = await dossierFor(tx, caller, dossierCode, 'holds:place');
    const hold = await repo.insertHold(tx, { scope: 'dossier', dossierId: dossier.id, reason: o.reason, reference: o.reference, placedBy: actorOf(caller) });
    await recordAudit(tx, { actor: actorOf(caller), action: 'hold.placed', subjectType: 'dossier', subjectId: dossier.code, detail: { hold: hold.id, reason: o.reason, reference: o.reference } });
    await followHolds(deps, tx, { dossierId: dossier.id });
    return view(hold);
  });
}

/** A hold on a result set: the record ids as they are now (a search run later may find others; they are not held). */
export async function placeSetHold(deps: HoldDeps, caller: Caller, recordIds: string[], o: PlaceHoldOptions): Promise<HoldView> {
  const ids = [...new Set(recordIds)];
  return withTransaction(deps.db, async (tx) => {
    const found = new Map((await recordUnits(tx, ids)).map((r) => [r.id, r]));
    for (const id of ids) requirePermission(caller, 'holds:place', found.get(id)?.unit_id ?? null, `record ${id} not found`);
    const hold = await repo.insertHold(tx, { scope: 'records', recordIds: ids, reason: o.reason, reference: o.reference, placedBy: actorOf(caller) });
    await recordAudit(tx, { actor: actorOf(caller), action: 'hold.placed', subjectType: 'hold', subjectId: hold.id, detail: { records: ids, reason: o.reason, reference: o.reference } });
    await followHolds(deps, tx, { recordIds: ids });
    return view(hold);
  });
}

export interface LiftResult { lifted: HoldView[]; stillOnHold: string[] }

async function lift(deps: HoldDeps, tx: Queryable, caller: Caller, holds: repo.HoldRow[], reason: string, subject: { type: 'record' | 'dossier' | 'hold'; id: string }): Promise<LiftResult> {
  if (holds.length === 0) throw new AppError('not-held', `no active hold on ${subject.type} ${subject.id} to lift`, 404);
  const lifted = await repo.liftHolds(tx, holds.map((h) => h.id), { liftedBy: actorOf(caller), reason });
  await recordAudit(tx, { actor: actorOf(caller), action: 'hold.lifted', subjectType: subject.type, subjectId: subject.id, detail: { holds: lifted.map((h) => h.id), reason } });
  const recordIds = lifted.flatMap((h) => (h.record_id ? [h.record_id] : h.record_ids ?? []));
  const dossierIds = lifted.flatMap((h) => (h.dossier_id ? [h.dossier_id] : []));
  const touched = [];
  for (const scope of [{ recordIds }, ...dossierIds.map((dossierId) => ({ dossierId }))]) {
    const rows = await records.refreshLegalHold(tx, scope);
    touched.push(...rows);
    if (deps.store.objectLock) for (const r of rows.filter((t) => t.changed)) await holdEveryVersion(deps, tx, r);
  }
  return { lifted: lifted.map((h) => view(h)), stillOnHold: [...new Set(touched.filter((r) => r.legal_hold).map((r) => r.id))] };
}

/** Lifts the holds placed on the record itself (holds through its dossier or a result set stay: `stillOnHold`). */
export async function liftRecordHold(deps: HoldDeps, caller: Caller, recordId: string, reason: string): Promise<LiftResult> {
  return withTransaction(deps.db, async (tx) => {
    await recordFor(tx, caller, recordId, 'holds:lift');
    return lift(deps, tx, caller, await repo.activeHolds(tx, { recordId }), reason, { type: 'record', id: recordId });
  });
}

export async function liftDossierHold(deps: HoldDeps, caller: Caller, dossierCode: string, reason: string): Promise<LiftResult> {
  return withTransaction(deps.db, async (tx) => {
    const dossier = await dossierFor(tx, caller, dossierCode, 'holds:lift');
    return lift(deps, tx, caller, await repo.activeHolds(tx, { dossierId: dossier.id }), reason, { type: 'dossier', id: dossier.code });
  });
}

/** Lifts one hold by its id (how a result-set hold is lifted); the caller must reach every record it covers. */
export async function liftHoldById(deps: HoldDeps, caller: Caller, holdId: string, reason: string): Promise<LiftResult> {
  return withTransaction(deps.db, async (tx) => {
    const holds = await repo.activeHolds(tx, { holdId });
    const hold = holds[0];
    if (!hold) throw new AppError('not-found', 'no active hold with that id', 404);
    if (hold.dossier_id) {
      const { rows } = await tx.query<{ unit_id: string }>('SELECT unit_id FROM dossiers WHERE id = $1', [hold.dossier_id]);
      requirePermission(caller, 'holds:lift', rows[0]?.unit_id ?? null, 'no active hold with that id');
    }
    for (const r of await recordUnits(tx, hold.record_id ? [hold.record_id] : hold.record_ids ?? [])) requirePermission(caller, 'holds:lift', r.unit_id, 'no active hold with that id');
    return lift(deps, tx, caller, holds, reason, { type: 'hold', id: holdId });
  });
}

/** The holds covering a record, active first (what the record view and the DELETE refusal cite). */
export async function holdsOfRecord(db: Queryable, caller: Caller, recordId: string): Promise<HoldView[]> {
  const [record] = await recordUnits(db, [recordId]);
  requirePermission(caller, 'records:read', record?.unit_id ?? null, 'record not found');
  return (await repo.holdsCovering(db, recordId, record!.dossier_id)).map((h) => view(h));
}
