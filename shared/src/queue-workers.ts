import os from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Queryable } from './db.ts';

/** pg-boss's schema (shared/src/queue.ts installs it there). */
export const BOSS_SCHEMA = 'pgboss';

export interface JobRef { name: string; id: string }

/**
 * The worker processes working the queues and the job each handler is running, so a dead worker can be told from
 * a slow one: a process that stops beating is dead, and the jobs it held need not wait for JOB_TIMEOUT_SECONDS.
 * pg-boss 10 does not record which process fetched a job; these tables do. Only the queue module writes them.
 */
export class WorkerRegistry {
  readonly id = randomUUID();

  constructor(private readonly db: Queryable) {}

  /** Says this process is alive (registering it on the first beat, or again after a sweep took it for dead). */
  async beat(): Promise<void> {
    await this.db.query(
      `INSERT INTO workers (id, host, pid) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()`,
      [this.id, os.hostname(), process.pid],
    );
    // Attributions of jobs this worker has finished (completed, failed, or fetched again elsewhere) are dropped here,
    // not when the handler returns: pg-boss completes the job after that, and a crash in between must stay visible.
    await this.db.query(
      `DELETE FROM worker_jobs wj WHERE wj.worker_id = $1 AND NOT EXISTS (
         SELECT 1 FROM ${BOSS_SCHEMA}.job j WHERE j.name = wj.queue AND j.id = wj.job_id AND j.state = 'active' AND j.started_on = wj.started_on)`,
      [this.id],
    );
  }

  /**
   * Records that this worker runs the job's current attempt. A retry keeps the job id, so the attempt is told by
   * pg-boss's started_on, copied in SQL (a JavaScript Date would lose its microseconds).
   */
  async attribute(job: JobRef): Promise<void> {
    await this.db.query(
      `INSERT INTO worker_jobs (job_id, queue, started_on, worker_id)
       SELECT id, name, started_on, $3 FROM ${BOSS_SCHEMA}.job WHERE name = $1 AND id = $2 AND state = 'active'
       ON CONFLICT (job_id) DO UPDATE SET queue = EXCLUDED.queue, started_on = EXCLUDED.started_on, worker_id = EXCLUDED.worker_id`,
      [job.name, job.id, this.id],
    );
  }

  async leave(): Promise<void> {
    await this.db.query('DELETE FROM workers WHERE id = $1', [this.id]);
  }
}

/**
 * The attempts still active in pg-boss that workers silent for `deadSeconds` had started, locked (FOR UPDATE) in
 * the caller's transaction so neither the expiry nor another sweeping worker changes them meanwhile.
 */
export async function lockJobsOfDeadWorkers(tx: Queryable, deadSeconds: number, selfId: string): Promise<JobRef[]> {
  const { rows } = await tx.query<JobRef>(
    `SELECT j.name, j.id FROM workers w
       JOIN worker_jobs wj ON wj.worker_id = w.id
       JOIN ${BOSS_SCHEMA}.job j ON j.name = wj.queue AND j.id = wj.job_id AND j.started_on = wj.started_on
     WHERE w.heartbeat_at < now() - make_interval(secs => $1) AND w.id <> $2 AND j.state = 'active'
     FOR UPDATE OF j`,
    [deadSeconds, selfId],
  );
  return rows;
}

/** Dead workers are forgotten once their jobs are back in the queue (their attributions go with them). */
export async function forgetDeadWorkers(tx: Queryable, deadSeconds: number, selfId: string): Promise<string[]> {
  const { rows } = await tx.query<{ host: string; pid: number }>(
    `DELETE FROM workers WHERE heartbeat_at < now() - make_interval(secs => $1) AND id <> $2 RETURNING host, pid`,
    [deadSeconds, selfId],
  );
  return rows.map((w) => `${w.host} pid ${w.pid}`);
}

/** Every active job of these queues, locked: with no other worker on this database, they are a dead process's. */
export async function lockActiveJobs(tx: Queryable, queues: string[]): Promise<JobRef[]> {
  const { rows } = await tx.query<JobRef>(
    `SELECT name, id FROM ${BOSS_SCHEMA}.job WHERE name = ANY($1) AND state = 'active' FOR UPDATE`,
    [queues],
  );
  return rows;
}

/**
 * pg-boss puts a failed job back with a back-off delay that grows with each retry; a job whose worker died is not
 * at fault, so its retry may start at once. (pg-boss has no API for this: a plain update of its job table.)
 */
export async function startRetriesNow(tx: Queryable, jobs: JobRef[]): Promise<void> {
  if (!jobs.length) return;
  await tx.query(
    `UPDATE ${BOSS_SCHEMA}.job SET start_after = now() WHERE name = ANY($1) AND id = ANY($2::uuid[]) AND state = 'retry'`,
    [[...new Set(jobs.map((j) => j.name))], jobs.map((j) => j.id)],
  );
}

/** Every active and waiting job of a queue takes its dead-letter queue (jobs sent before the queue had one). */
export async function adoptDeadLetters(db: Queryable, deadLetterOf: Record<string, string>): Promise<void> {
  for (const [name, deadLetter] of Object.entries(deadLetterOf)) {
    await db.query(`UPDATE ${BOSS_SCHEMA}.job SET dead_letter = $2 WHERE name = $1 AND dead_letter IS NULL AND state < 'completed'`, [name, deadLetter]);
  }
}
