import type { Queryable } from '../db.ts';

export interface UnitRow { id: string; code: string; name: string; parentId: string | null; kind: string | null }

/** The only writer of `units`: the first start's demo unit, `sohoa units add|import|target` and the admin routes. */
export async function createUnit(db: Queryable, u: { code: string; name: string; parentId?: string | null; kind?: string | null }): Promise<string> {
  const { rows } = await db.query<{ id: string }>('INSERT INTO units (code, name, parent_id, kind) VALUES ($1, $2, $3, $4) RETURNING id', [
    u.code, u.name, u.parentId ?? null, u.kind ?? null,
  ]);
  return rows[0].id;
}

/** An import's row for a unit that exists already: its name, parent and kind follow the list. */
export async function updateUnit(db: Queryable, id: string, u: { name: string; parentId: string | null; kind: string | null }): Promise<void> {
  await db.query('UPDATE units SET name = $2, parent_id = $3, kind = $4 WHERE id = $1', [id, u.name, u.parentId, u.kind]);
}

/** Every unit (a province has hundreds: small enough to hold whole when expanding subtrees). */
export async function allUnits(db: Queryable): Promise<UnitRow[]> {
  const { rows } = await db.query<UnitRow>('SELECT id, code, name, parent_id AS "parentId", kind FROM units ORDER BY code');
  return rows;
}

export async function unitByCode(db: Queryable, code: string): Promise<UnitRow | null> {
  const { rows } = await db.query<UnitRow>('SELECT id, code, name, parent_id AS "parentId", kind FROM units WHERE code = $1', [code]);
  return rows[0] ?? null;
}

/** A unit's digitization-rate target (a share, 0..1, kept to thousandths); returns the one it replaces, or null for no such unit. */
export async function setDigitizationTarget(db: Queryable, id: string, target: number): Promise<number | null> {
  const { rows } = await db.query<{ previous: string }>(
    `UPDATE units u SET digitization_target = $2 FROM (SELECT id, digitization_target AS previous FROM units WHERE id = $1 FOR UPDATE) old
     WHERE u.id = old.id RETURNING old.previous`,
    [id, target],
  );
  return rows[0] ? Number(rows[0].previous) : null;
}
