import type { Queryable } from '@sohoa/shared';

/** One reuse of a digitized record: a lookup or download by another system, or a later dossier taking it. */
export interface RecordReuse {
  recordId: string;
  kind: 'lookup' | 'download' | 'dossier';
  apiKeyId: string | null;
  actor: string;
  reusingUnitId: string | null;
  reusingDossierCode: string | null;
  purpose: string;
}

/** The one writer of record_reuses; the digitization-rate report counts "results reused" from these rows. */
export async function recordReuses(db: Queryable, reuses: readonly RecordReuse[]): Promise<void> {
  if (reuses.length === 0) return;
  await db.query(
    `INSERT INTO record_reuses (record_id, kind, api_key_id, actor, reusing_unit_id, reusing_dossier_code, purpose)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::uuid[], $6::text[], $7::text[])`,
    [
      reuses.map((r) => r.recordId), reuses.map((r) => r.kind), reuses.map((r) => r.apiKeyId), reuses.map((r) => r.actor),
      reuses.map((r) => r.reusingUnitId), reuses.map((r) => r.reusingDossierCode), reuses.map((r) => r.purpose),
    ],
  );
}
