/**
 * The pipeline's counts in SQL (reads only: pages, documents, batches, records): pages waiting per unit and stage,
 * and pages archived per unit and hour since a time.
 */
import type { Queryable } from '@sohoa/shared';
import type { ArchivedCount, StageCount } from './pipeline.ts';

/** A document's status → the stage its pages wait at; review, matched, built and signed documents are on their way. */
export async function countWaiting(db: Queryable, unitIds: readonly string[]): Promise<StageCount[]> {
  const { rows } = await db.query<{ unit_id: string; stage: StageCount['stage']; pages: number }>(
    `SELECT b.unit_id, 'ocr' AS stage, count(*)::int AS pages
     FROM pages p JOIN batches b ON b.id = p.batch_id
     WHERE p.status = 'pending' AND b.unit_id = ANY($1::uuid[])
     GROUP BY b.unit_id
     UNION ALL
     SELECT b.unit_id,
            CASE d.status WHEN 'review' THEN 'review' WHEN 'matched' THEN 'building' WHEN 'built' THEN 'signing' ELSE 'archiving' END AS stage,
            sum(cardinality(d.page_ids))::int AS pages
     FROM documents d JOIN batches b ON b.id = d.batch_id
     WHERE d.status IN ('review', 'matched', 'built', 'signed') AND b.unit_id = ANY($1::uuid[])
     GROUP BY b.unit_id, 2`,
    [unitIds],
  );
  return rows.map((r) => ({ unitId: r.unit_id, stage: r.stage, pages: r.pages }));
}

/** Pages of the records archived at or after `since`, per unit and hour (disposition minutes are not scanned pages). */
export async function countArchived(db: Queryable, unitIds: readonly string[], since: Date): Promise<ArchivedCount[]> {
  const { rows } = await db.query<{ unit_id: string; hour: Date; pages: number }>(
    `SELECT unit_id, date_trunc('hour', created_at) AS hour, sum(page_count)::int AS pages
     FROM records WHERE kind = 'document' AND created_at >= $2 AND unit_id = ANY($1::uuid[])
     GROUP BY unit_id, 2`,
    [unitIds, since],
  );
  return rows.map((r) => ({ unitId: r.unit_id, hour: new Date(r.hour), pages: r.pages }));
}
