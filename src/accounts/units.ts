/**
 * The unit tree: units added one by one or imported from a list (admin, or the operator's CLI), and the tree as a
 * caller sees it (the units where it holds anything).
 */
import { AppError, actorOf, isUnitCode, recordAudit, requirePermission, unitRepository, withTransaction, type Caller, type Db, type Queryable } from '@sohoa/shared';
import { unitsReached } from './callers.ts';
import { checkUnitRow, orderForImport, parseUnitList, type UnitKind } from './unit-list.ts';

export interface UnitView { code: string; name: string; parent: string | null; kind: string | null; depth: number }

export async function addUnit(db: Db, by: Caller, u: { code: string; name: string; parent?: string | null; kind?: UnitKind | null }): Promise<UnitView> {
  requirePermission(by, 'units:manage');
  const row = checkUnitRow({ code: u.code, name: u.name, parent: u.parent ?? null, kind: u.kind ?? null }, 1);
  await withTransaction(db, async (tx) => {
    if (await unitRepository.unitByCode(tx, row.code)) throw new AppError('conflict', `unit ${row.code} exists already`, 409);
    const parent = row.parent ? await unitRepository.unitByCode(tx, row.parent) : null;
    if (row.parent && !parent) throw new AppError('not-found', `parent unit ${row.parent} not found`, 404);
    const id = await unitRepository.createUnit(tx, { code: row.code, name: row.name, parentId: parent?.id ?? null, kind: row.kind });
    await recordAudit(tx, { actor: actorOf(by), action: 'unit.created', subjectType: 'unit', subjectId: id, detail: { code: row.code, name: row.name, parent: row.parent, kind: row.kind } });
  });
  return (await unitTree(db, 'all')).find((v) => v.code === row.code)!;
}

/**
 * Imports a unit list in one transaction: new units are created, known ones take the list's name, parent and kind.
 * Any bad row refuses the whole list, naming the row.
 */
export async function importUnits(db: Db, by: Caller, text: string, format?: 'json' | 'csv'): Promise<{ created: number; updated: number; units: number }> {
  requirePermission(by, 'units:manage');
  const rows = parseUnitList(text, format);
  if (!rows.length) throw new AppError('invalid-unit-list', 'the unit list is empty', 422);
  return withTransaction(db, async (tx) => {
    await tx.query('LOCK TABLE units IN SHARE ROW EXCLUSIVE MODE'); // two imports at once would check cycles on stale trees
    const existing = await unitRepository.allUnits(tx);
    const codeOf = new Map(existing.map((u) => [u.id, u.code]));
    const idOf = new Map(existing.map((u) => [u.code, u.id]));
    const byCode = new Map(existing.map((u) => [u.code, u]));
    const ordered = orderForImport(rows, new Map(existing.map((u) => [u.code, u.parentId ? codeOf.get(u.parentId)! : null])));
    let created = 0;
    let updated = 0;
    for (const r of ordered) {
      const parentId = r.parent ? idOf.get(r.parent)! : null;
      const known = byCode.get(r.code);
      if (known) {
        if (known.name === r.name && known.parentId === parentId && known.kind === r.kind) continue;
        await unitRepository.updateUnit(tx, known.id, { name: r.name, parentId, kind: r.kind });
        await recordAudit(tx, { actor: actorOf(by), action: 'unit.updated', subjectType: 'unit', subjectId: known.id, detail: { code: r.code, name: r.name, parent: r.parent, kind: r.kind } });
        updated++;
      } else {
        const id = await unitRepository.createUnit(tx, { code: r.code, name: r.name, parentId, kind: r.kind });
        idOf.set(r.code, id);
        await recordAudit(tx, { actor: actorOf(by), action: 'unit.created', subjectType: 'unit', subjectId: id, detail: { code: r.code, name: r.name, parent: r.parent, kind: r.kind, import: true } });
        created++;
      }
    }
    return { created, updated, units: rows.length };
  });
}

/**
 * The tree in depth-first order, limited to `reach` ('all', or unit ids): a unit whose parent the caller does not
 * reach is shown as a root of what it sees (its parent's code is still named).
 */
export async function unitTree(db: Queryable, reach: Set<string> | 'all'): Promise<UnitView[]> {
  const units = await unitRepository.allUnits(db);
  const byId = new Map(units.map((u) => [u.id, u]));
  const children = new Map<string | null, typeof units>();
  for (const u of units) {
    const parent = u.parentId && byId.has(u.parentId) ? u.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), u]);
  }
  const out: UnitView[] = [];
  const visited = new Set<string>();
  const walk = (parentId: string | null, depth: number) => {
    for (const u of children.get(parentId) ?? []) {
      if (visited.has(u.id)) continue;
      visited.add(u.id);
      const shown = reach === 'all' || reach.has(u.id);
      if (shown) out.push({ code: u.code, name: u.name, parent: u.parentId ? byId.get(u.parentId)?.code ?? null : null, kind: u.kind, depth });
      walk(u.id, shown ? depth + 1 : depth);
    }
  };
  walk(null, 0);
  return out;
}

export const unitsVisibleTo = (db: Queryable, caller: Caller) => unitTree(db, unitsReached(caller));

/**
 * Sets a unit's digitization-rate target (a share, 0..1, thousandths): admins anywhere, unit-admins for the units
 * below theirs (targets:set reaches only below: a unit does not set the bar it is scored against). Audited with the
 * old value.
 */
export async function setDigitizationTarget(db: Db, by: Caller, code: string, target: number): Promise<{ unit: string; target: number; previous: number }> {
  if (!(target >= 0 && target <= 1)) throw new AppError('invalid-input', 'target: a share from 0 to 1', 422, { fields: [{ field: 'target', message: 'a share from 0 to 1' }] });
  const rounded = Math.round(target * 1000) / 1000;
  const unit = isUnitCode(code) ? await unitRepository.unitByCode(db, code) : null;
  requirePermission(by, 'targets:set', unit?.id ?? null, 'unit not found');
  if (!unit) throw new AppError('not-found', 'unit not found', 404);
  return withTransaction(db, async (tx) => {
    const previous = await unitRepository.setDigitizationTarget(tx, unit.id, rounded);
    if (previous === null) throw new AppError('not-found', 'unit not found', 404);
    await recordAudit(tx, { actor: actorOf(by), action: 'unit.target-set', subjectType: 'unit', subjectId: unit.id, unitId: unit.id, detail: { code: unit.code, target: rounded, previous } });
    return { unit: unit.code, target: rounded, previous };
  });
}
