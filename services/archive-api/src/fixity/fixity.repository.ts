import type { Queryable } from '@sohoa/shared';
import type { FixityResult, FixityStatus } from './fixity-core.ts';

/** The only writer of `fixity_runs` and `fixity_checks`. */

export interface FixityRun {
  id: string; trigger: 'schedule' | 'request'; requestedBy: string; unitIds: string[] | null; status: 'running' | 'done';
  cursor: string | null; checked: number; failed: number; bytes: number; workingSeconds: number; startedAt: Date; finishedAt: Date | null;
}

const RUN_COLUMNS = `id, trigger, requested_by AS "requestedBy", unit_ids AS "unitIds", status, cursor, checked, failed, bytes::float8 AS bytes,
  working_seconds AS "workingSeconds", started_at AS "startedAt", finished_at AS "finishedAt"`;

export async function createRun(db: Queryable, r: { trigger: FixityRun['trigger']; requestedBy: string; unitIds: string[] | null }): Promise<FixityRun> {
  const { rows } = await db.query<FixityRun>(
    `INSERT INTO fixity_runs (trigger, requested_by, unit_ids) VALUES ($1, $2, $3) RETURNING ${RUN_COLUMNS}`,
    [r.trigger, r.requestedBy, r.unitIds],
  );
  return rows[0]!;
}

export async function loadRun(db: Queryable, id: string): Promise<FixityRun | null> {
  const { rows } = await db.query<FixityRun>(`SELECT ${RUN_COLUMNS} FROM fixity_runs WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

/** The scheduled run a killed worker left unfinished, which the next tick continues instead of starting over. */
export async function unfinishedScheduledRun(db: Queryable): Promise<FixityRun | null> {
  const { rows } = await db.query<FixityRun>(`SELECT ${RUN_COLUMNS} FROM fixity_runs WHERE trigger = 'schedule' AND status = 'running' ORDER BY started_at DESC LIMIT 1`);
  return rows[0] ?? null;
}

export async function listRuns(db: Queryable, o: { unitIds: string[] | null; limit: number }): Promise<FixityRun[]> {
  // A caller limited to some units sees the runs over those units only (not the ones over every unit).
  const { rows } = await db.query<FixityRun>(
    `SELECT ${RUN_COLUMNS} FROM fixity_runs WHERE $1::uuid[] IS NULL OR (unit_ids IS NOT NULL AND unit_ids <@ $1::uuid[])
     ORDER BY started_at DESC LIMIT $2`,
    [o.unitIds, o.limit],
  );
  return rows;
}

export interface RecordToCheck { id: string; unitId: string; unitCode: string; objectKey: string; sha256: string; size: number }

/** The next records of a run after its cursor, in id order (records not disposed of). */
export async function recordsAfter(db: Queryable, o: { unitIds: string[] | null; after: string | null; limit: number }): Promise<RecordToCheck[]> {
  const { rows } = await db.query<RecordToCheck>(
    `SELECT r.id, r.unit_id AS "unitId", u.code AS "unitCode", r.object_key AS "objectKey", r.sha256, r.size::float8 AS size
     FROM records r JOIN units u ON u.id = r.unit_id
     WHERE ($1::uuid[] IS NULL OR r.unit_id = ANY($1)) AND ($2::uuid IS NULL OR r.id > $2)
       AND r.disposed_at IS NULL -- a disposed record's objects are gone on purpose: its tombstone keeps the SHA-256
     ORDER BY r.id LIMIT $3`,
    [o.unitIds, o.after, o.limit],
  );
  return rows;
}

/** One record's result, and the run's cursor moved past it, in the caller's transaction. */
export async function saveCheck(tx: Queryable, runId: string, record: RecordToCheck, result: FixityResult, o: { bytes: number; seconds: number }): Promise<boolean> {
  const { rowCount } = await tx.query(
    `INSERT INTO fixity_checks (run_id, record_id, status, detail) VALUES ($1, $2, $3, $4) ON CONFLICT (run_id, record_id) DO NOTHING`,
    [runId, record.id, result.status, result.detail],
  );
  const saved = (rowCount ?? 0) > 0;
  await tx.query(
    `UPDATE fixity_runs SET cursor = $2, checked = checked + $3, failed = failed + $4, bytes = bytes + $5, working_seconds = working_seconds + $6
     WHERE id = $1`,
    [runId, record.id, saved ? 1 : 0, saved && result.status !== 'intact' ? 1 : 0, saved ? o.bytes : 0, o.seconds],
  );
  return saved;
}

export async function finishRun(db: Queryable, runId: string): Promise<void> {
  await db.query(`UPDATE fixity_runs SET status = 'done', finished_at = now() WHERE id = $1 AND status = 'running'`, [runId]);
}

export interface CheckView { record: string; unit: string; status: FixityStatus; checkedAt: Date; run: string; detail: Record<string, unknown> }

/** The checks of one run that did not find the record intact. */
export async function failedChecksOfRun(db: Queryable, runId: string): Promise<CheckView[]> {
  const { rows } = await db.query<CheckView>(
    `SELECT c.record_id AS record, u.code AS unit, c.status, c.checked_at AS "checkedAt", c.run_id AS run, c.detail
     FROM fixity_checks c JOIN records r ON r.id = c.record_id JOIN units u ON u.id = r.unit_id
     WHERE c.run_id = $1 AND c.status <> 'intact' ORDER BY c.record_id`,
    [runId],
  );
  return rows;
}

/**
 * The latest check of each record (never-checked records have status null), in record id order after `after`,
 * optionally only one status.
 */
export async function latestChecks(
  db: Queryable,
  o: { unitIds: string[] | null; status: FixityStatus | 'unchecked' | null; after: string | null; limit: number },
): Promise<(Omit<CheckView, 'status' | 'checkedAt' | 'run'> & { status: FixityStatus | null; checkedAt: Date | null; run: string | null })[]> {
  const { rows } = await db.query(
    `SELECT r.id AS record, u.code AS unit, c.status, c.checked_at AS "checkedAt", c.run_id AS run, coalesce(c.detail, '{}') AS detail
     FROM records r JOIN units u ON u.id = r.unit_id
     LEFT JOIN LATERAL (SELECT status, checked_at, run_id, detail FROM fixity_checks WHERE record_id = r.id ORDER BY checked_at DESC, id DESC LIMIT 1) c ON true
     WHERE ($1::uuid[] IS NULL OR r.unit_id = ANY($1)) AND ($3::uuid IS NULL OR r.id > $3)
       AND ($2::text IS NULL OR coalesce(c.status, 'unchecked') = $2)
     ORDER BY r.id LIMIT $4`,
    [o.unitIds, o.status, o.after, o.limit],
  );
  return rows;
}

/** How many records stand at each latest status (never checked: 'unchecked'). */
export async function statusCounts(db: Queryable, unitIds: string[] | null): Promise<Record<string, number>> {
  const { rows } = await db.query<{ status: string; n: number }>(
    `SELECT coalesce(c.status, 'unchecked') AS status, count(*)::int AS n
     FROM records r
     LEFT JOIN LATERAL (SELECT status FROM fixity_checks WHERE record_id = r.id ORDER BY checked_at DESC, id DESC LIMIT 1) c ON true
     WHERE $1::uuid[] IS NULL OR r.unit_id = ANY($1)
     GROUP BY 1`,
    [unitIds],
  );
  const counts: Record<string, number> = { intact: 0, mismatch: 0, missing: 0, 'signature-broken': 0, unchecked: 0 };
  for (const row of rows) counts[row.status] = row.n;
  return counts;
}
