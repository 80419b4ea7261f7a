/**
 * The digitization-rate report's counting, in SQL (reads only: dossiers, components, records, record_reuses,
 * units). Each dossier received in the range is judged once (components complete, result digitized, result reused);
 * the judgements are counted per unit, period and procedure. The definitions: docs/digitization-rate.md.
 */
import type { Queryable } from '@sohoa/shared';
import type { CountedRow, GroupBy, ReportUnit } from './digitization-rate.ts';

/** Calendar days and periods are Vietnam's, whatever the server's time zone. */
export const REPORT_TIME_ZONE = 'Asia/Ho_Chi_Minh';

/**
 * Counts the dossiers of `unitIds` received from `from` to `to` (days, inclusive, Vietnam time), per unit, period
 * (its first day) and procedure.
 */
export async function countDigitization(db: Queryable, o: { unitIds: readonly string[]; from: string; to: string; groupBy: GroupBy }): Promise<CountedRow[]> {
  const { rows } = await db.query<{ unit_id: string; period_start: string; procedure: string | null; received: number; components: number; results: number; reused: number }>(
    `WITH received AS (
       SELECT d.id, d.unit_id, d.procedure_code, d.catalog_version_id,
              to_char(date_trunc($4::text, d.received_at AT TIME ZONE $5), 'YYYY-MM-DD') AS period_start
       FROM dossiers d
       WHERE d.unit_id = ANY($1::uuid[])
         AND d.received_at >= ($2::date)::timestamp AT TIME ZONE $5
         AND d.received_at < ($3::date + 1)::timestamp AT TIME ZONE $5
     ), judged AS (
       SELECT r.unit_id, r.period_start, r.procedure_code,
         r.procedure_code IS NOT NULL AND CASE
           WHEN EXISTS (SELECT 1 FROM components c WHERE c.catalog_version_id = r.catalog_version_id AND c.procedure_code = r.procedure_code
                          AND c.kind = 'component' AND c.required)
           -- every required component has a record archived for it in this dossier
           THEN NOT EXISTS (SELECT 1 FROM components c WHERE c.catalog_version_id = r.catalog_version_id AND c.procedure_code = r.procedure_code
                              AND c.kind = 'component' AND c.required
                              AND NOT EXISTS (SELECT 1 FROM records rec WHERE rec.dossier_id = r.id AND rec.kind = 'document' AND rec.component_code = c.code))
           -- a procedure that requires none: at least one of its components has a record
           ELSE EXISTS (SELECT 1 FROM records rec JOIN components c ON c.catalog_version_id = r.catalog_version_id AND c.procedure_code = r.procedure_code
                          AND c.kind = 'component' AND c.code = rec.component_code
                        WHERE rec.dossier_id = r.id AND rec.kind = 'document')
         END AS components_digitized,
         EXISTS (SELECT 1 FROM records rec JOIN components c ON c.catalog_version_id = r.catalog_version_id AND c.procedure_code = r.procedure_code
                   AND c.kind = 'result' AND c.code = rec.component_code
                 WHERE rec.dossier_id = r.id AND rec.kind = 'document') AS result_digitized,
         EXISTS (SELECT 1 FROM records rec JOIN components c ON c.catalog_version_id = r.catalog_version_id AND c.procedure_code = r.procedure_code
                   AND c.kind = 'result' AND c.code = rec.component_code
                 JOIN record_reuses u ON u.record_id = rec.id
                 WHERE rec.dossier_id = r.id AND rec.kind = 'document') AS result_reused
       FROM received r
     )
     SELECT unit_id, period_start, procedure_code AS procedure, count(*)::int AS received,
            count(*) FILTER (WHERE components_digitized)::int AS components,
            count(*) FILTER (WHERE result_digitized)::int AS results,
            count(*) FILTER (WHERE result_reused)::int AS reused
     FROM judged GROUP BY unit_id, period_start, procedure_code`,
    [o.unitIds, o.from, o.to, o.groupBy, REPORT_TIME_ZONE],
  );
  return rows.map((r) => ({
    unitId: r.unit_id, periodStart: r.period_start, procedure: r.procedure, received: r.received,
    componentsDigitized: r.components, resultsDigitized: r.results, reused: r.reused,
  }));
}

/** Every unit with its parent and target (the tree is small enough to hold whole). */
export async function reportUnits(db: Queryable): Promise<ReportUnit[]> {
  const { rows } = await db.query<{ id: string; code: string; name: string; parent_id: string | null; target: string }>(
    'SELECT id, code, name, parent_id, digitization_target::text AS target FROM units ORDER BY code',
  );
  return rows.map((r) => ({ id: r.id, code: r.code, name: r.name, parentId: r.parent_id, targetMillis: Math.round(Number(r.target) * 1000) }));
}

/** The name of each procedure code, as the newest catalog version that has it says. */
export async function procedureNames(db: Queryable, codes: readonly string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map();
  const { rows } = await db.query<{ code: string; name: string }>(
    'SELECT DISTINCT ON (code) code, name FROM procedures WHERE code = ANY($1::text[]) ORDER BY code, catalog_version_id DESC', [codes],
  );
  return new Map(rows.map((r) => [r.code, r.name]));
}
