import { LRUCache } from 'lru-cache';
import { AppError } from './errors.ts';
import type { Queryable } from './db.ts';
import { BOSS_SCHEMA } from './queue-workers.ts';
import type { JobName } from './jobs.ts';

/**
 * Back-pressure at the pipeline's door. Uploads and the hot folder feed the queue faster than OCR drains it when a
 * province's counters all scan at once; past a depth, new work would only wait longer while the database and the
 * object store fill with it. So new batches are refused (HTTP 429 with Retry-After) and hot-folder files left where
 * they are until the queue has drained below the limit. The refusal falls on the units that fill the queue: a unit
 * with nothing waiting still gets its batch in (a quiet counter is not turned away because of another's 500 files),
 * and its work goes ahead of the backlog (services/ingest/src/fair-share.ts).
 */
export interface IntakeSettings {
  /** Waiting jobs of the intake queues (files to split, pages to read) above which new batches wait. */
  queueLimit: number;
  /** What a refused sender is told to wait (Retry-After), and how long the hot folder waits before trying again. */
  retryAfterSeconds: number;
  /** How long one reading of the depth is reused: uploads arrive by the dozen a second, the depth moves slowly. */
  cacheMs?: number;
}

/** The queues whose depth says how far the pipeline is behind: one job per file to split, one per page to read. */
export const INTAKE_QUEUES: readonly JobName[] = ['ingest.file', 'ocr.page'];

/** Too much work is waiting: try again after `retryAfterSeconds`. */
export class IntakeFull extends AppError {
  constructor(public readonly retryAfterSeconds: number, depth: number, limit: number) {
    super('queue-full', `${depth} files and pages are waiting to be read (limit ${limit}): send this batch again in ${retryAfterSeconds} s`, 429);
  }
}

/** Waiting (created or retry) jobs of the intake queues. */
export async function intakeDepth(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${BOSS_SCHEMA}.job WHERE name = ANY($1) AND state < 'active'`,
    [INTAKE_QUEUES],
  );
  return rows[0]?.n ?? 0;
}

/** Files not yet split and pages not yet read of one unit. */
export async function unitWaiting(db: Queryable, unitId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT (SELECT count(*) FROM batch_files f JOIN batches b ON b.id = f.batch_id WHERE f.status = 'received' AND b.unit_id = $1)
          + (SELECT count(*) FROM pages p JOIN batches b ON b.id = p.batch_id WHERE p.status = 'pending' AND b.unit_id = $1) AS n`,
    [unitId],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Pure: whether a unit's batch may come in at this depth of the queue, given what the unit already has waiting. */
export function admits(depth: number, unitWaitingNow: number, settings: IntakeSettings): boolean {
  return depth < settings.queueLimit || unitWaitingNow === 0;
}

export interface IntakeGate {
  /** Throws IntakeFull when the queue is deeper than the limit and the unit has work of its own waiting. */
  admit(unitId: string): Promise<void>;
}

export function intakeGate(db: Queryable, settings: IntakeSettings): IntakeGate {
  const cacheMs = settings.cacheMs ?? 1000;
  let reading: { at: number; depth: Promise<number> } | null = null;
  const depth = () => {
    const now = Date.now();
    if (!reading || now - reading.at >= cacheMs) {
      const next = { at: now, depth: intakeDepth(db) };
      next.depth.catch(() => { if (reading === next) reading = null; }); // a failed reading is not reused
      reading = next;
    }
    return reading.depth;
  };
  // Units found with work waiting, and when: a refused unit's uploads keep coming (a scanner retrying, a hundred
  // a second in bench:load), and its waiting work drains slowly, so the refusal is reused for one reading's time
  // without counting again. A unit found with nothing waiting is counted again each time: it is let in.
  // Bounded: a unit is a commune or ward, a province has hundreds.
  const refused = new LRUCache<string, true>({ max: 10_000, ttl: cacheMs, ttlResolution: 0 });
  return {
    async admit(unitId) {
      const d = await depth();
      if (d < settings.queueLimit) return;
      if (refused.has(unitId)) throw new IntakeFull(settings.retryAfterSeconds, d, settings.queueLimit);
      const own = await unitWaiting(db, unitId);
      if (admits(d, own, settings)) return void refused.delete(unitId);
      refused.set(unitId, true);
      throw new IntakeFull(settings.retryAfterSeconds, d, settings.queueLimit);
    },
  };
}
