/** The only writer of `legal_holds`. A hold is never deleted: lifting it is recorded on its row. */
import type { Queryable } from '@sohoa/shared';

export type HoldScope = 'record' | 'dossier' | 'records';

export interface HoldRow {
  id: string; scope: HoldScope; record_id: string | null; dossier_id: string | null; record_ids: string[] | null;
  reason: string; reference: string; placed_by: string; placed_at: Date; lifted_by: string | null; lifted_at: Date | null; lift_reason: string | null;
  /** The held dossier's code (what callers name a dossier by), read with the row. */
  dossier_code: string | null;
}

/** Every column, and the held dossier's code. */
const HOLD = `legal_holds.*, (SELECT code FROM dossiers WHERE dossiers.id = legal_holds.dossier_id) AS dossier_code`;

export async function insertHold(
  db: Queryable,
  h: { scope: HoldScope; recordId?: string; dossierId?: string; recordIds?: string[]; reason: string; reference: string; placedBy: string },
): Promise<HoldRow> {
  const { rows } = await db.query<HoldRow>(
    `INSERT INTO legal_holds (scope, record_id, dossier_id, record_ids, reason, reference, placed_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${HOLD}`,
    [h.scope, h.recordId ?? null, h.dossierId ?? null, h.recordIds ?? null, h.reason, h.reference, h.placedBy],
  );
  return rows[0]!;
}

/** Lifts the active holds chosen (by id), returning those lifted. */
export async function liftHolds(db: Queryable, ids: string[], o: { liftedBy: string; reason: string }): Promise<HoldRow[]> {
  const { rows } = await db.query<HoldRow>(
    `UPDATE legal_holds SET lifted_by = $2, lifted_at = now(), lift_reason = $3 WHERE id = ANY($1) AND lifted_at IS NULL RETURNING ${HOLD}`,
    [ids, o.liftedBy, o.reason],
  );
  return rows;
}

/** Active holds placed directly on a record, on a dossier, or the one hold of that id. Locked for the lift. */
export async function activeHolds(db: Queryable, where: { recordId: string } | { dossierId: string } | { holdId: string }): Promise<HoldRow[]> {
  const [column, value] = 'recordId' in where ? ['record_id', where.recordId] : 'dossierId' in where ? ['dossier_id', where.dossierId] : ['id', where.holdId];
  const { rows } = await db.query<HoldRow>(`SELECT ${HOLD} FROM legal_holds WHERE ${column} = $1 AND lifted_at IS NULL ORDER BY placed_at FOR UPDATE OF legal_holds`, [value]);
  return rows;
}

/** Every active hold that covers a record (directly, through its dossier, or in a held result set). */
export async function holdsCovering(db: Queryable, recordId: string, dossierId: string | null): Promise<HoldRow[]> {
  const { rows } = await db.query<HoldRow>(
    `SELECT ${HOLD} FROM legal_holds WHERE lifted_at IS NULL AND (record_id = $1 OR ($2::uuid IS NOT NULL AND dossier_id = $2) OR record_ids @> ARRAY[$1::uuid]) ORDER BY placed_at`,
    [recordId, dossierId],
  );
  return rows;
}
