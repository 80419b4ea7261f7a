import type { Queryable } from '../db.ts';
import { formatDossierCode, vietnamDay } from '../dossier-code.ts';

/** The only writer of `dossiers` and of the running numbers their generated codes take (`dossier_counters`). */

/** Takes the unit's next running number for the day (Vietnam time) and builds the dossier code from it. */
export async function nextDossierCode(db: Queryable, unit: { id: string; code: string }, at: Date): Promise<string> {
  const { rows } = await db.query<{ last_number: number }>(
    `INSERT INTO dossier_counters (unit_id, day, last_number) VALUES ($1, $2, 1)
     ON CONFLICT (unit_id, day) DO UPDATE SET last_number = dossier_counters.last_number + 1 RETURNING last_number`,
    [unit.id, vietnamDay(at)],
  );
  return formatDossierCode(unit.code, at, rows[0].last_number);
}

export async function insertDossier(
  db: Queryable,
  d: { code: string; codeSource: 'generated' | 'given'; unitId: string; procedureCode: string | null; catalogVersionId: number; receivedAt: Date },
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    'INSERT INTO dossiers (code, code_source, unit_id, procedure_code, catalog_version_id, received_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
    [d.code, d.codeSource, d.unitId, d.procedureCode, d.catalogVersionId, d.receivedAt],
  );
  return rows[0].id;
}

/** A dossier received without its procedure takes the first one its papers tell (a procedure once known stays). */
export async function procedureFound(db: Queryable, id: string, procedureCode: string): Promise<void> {
  await db.query('UPDATE dossiers SET procedure_code = $2 WHERE id = $1 AND procedure_code IS NULL', [id, procedureCode]);
}

/** The receipt's QR code names the dossier: its code replaces the generated one. */
export async function codeFromReceipt(db: Queryable, id: string, r: { code: string; procedureCode: string | null; ownerIdentifier: string | null }): Promise<void> {
  await db.query(`UPDATE dossiers SET code = $2, code_source = 'qr', procedure_code = $3, owner_identifier = coalesce(owner_identifier, $4) WHERE id = $1`, [
    id, r.code, r.procedureCode, r.ownerIdentifier,
  ]);
}

/** A dossier left without batches (its only batch joined the dossier its receipt named) goes. */
export async function deleteIfEmpty(db: Queryable, id: string): Promise<void> {
  await db.query('DELETE FROM dossiers d WHERE d.id = $1 AND NOT EXISTS (SELECT 1 FROM batches b WHERE b.dossier_id = d.id)', [id]);
}

/**
 * The dossier's work has ended (its result was issued, or someone with the right closed it): it becomes an
 * archival file. Closing twice keeps the first time; returns whether this call closed it.
 */
export async function close(db: Queryable, id: string, at: Date): Promise<boolean> {
  const { rowCount } = await db.query(`UPDATE dossiers SET status = 'closed', closed_at = $2 WHERE id = $1 AND closed_at IS NULL`, [id, at]);
  return (rowCount ?? 0) > 0;
}
