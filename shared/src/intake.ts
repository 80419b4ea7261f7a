import { AppError } from './errors.ts';
import type { Queryable } from './db.ts';
import { BOSS_SCHEMA } from './queue-workers.ts';
import type { JobName } from './jobs.ts';

/**
 * Back-pressure at the pipeline's door. Uploads and the hot folder feed the queue faster than OCR drains it when a
 * province's counters all scan at once; past a depth, new work would only wait longer while the database and the
 * object store fill with it. So new batches are refused (HTTP 429 with Retry-After) and hot-folder files left where
 * they are until the queue has drained below the limit.
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

/** Pure: whether a batch may come in at this depth. */
export function admits(depth: number, settings: IntakeSettings): boolean {
  return depth < settings.queueLimit;
}

export interface IntakeGate {
  /** Throws IntakeFull when the queue is deeper than the limit; else returns at once. */
  admit(): Promise<void>;
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
  return {
    async admit() {
      const d = await depth();
      if (!admits(d, settings)) throw new IntakeFull(settings.retryAfterSeconds, d, settings.queueLimit);
    },
  };
}
