import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { redactPaths } from './errors.ts';
import { metrics } from './metrics.ts';
import { currentRequestId, REQUEST_ID_PATTERN, withRequestId } from './request-context.ts';
import { afterCommit, createDb, withTransaction, type Db, type Queryable } from './db.ts';
import { jobNames, parsePayload, type JobHandler, type JobHandlers, type JobName, type JobPayload } from './jobs.ts';
import {
  BOSS_SCHEMA, WorkerRegistry, adoptDeadLetters, forgetDeadWorkers, lockActiveJobs, lockJobsOfDeadWorkers, startRetriesNow, type JobRef,
} from './queue-workers.ts';

export interface QueueOptions {
  databaseUrl: string;
  /** A job not finished after this long is failed by pg-boss's expiry (and retried): the last resort for a hung worker. */
  jobTimeoutSeconds: number;
  maintenanceSeconds: number;
  /** Nothing else works this database (the embedded default): jobs found active when the workers start are a dead process's. */
  soleWorker?: boolean;
  /** A worker process whose heartbeat is older than this is dead: the jobs it held are retried at once. */
  deadWorkerSeconds?: number;
  /** Attempts after the first, and the base of the growing delay between them (tests shorten them). */
  retry?: { limit: number; delaySeconds: number };
  /** A job kind's own retries (webhook deliveries keep trying for hours), instead of `retry`. */
  retryOf?: Partial<Record<JobName, { limit: number; delaySeconds: number }>>;
}

export interface SendOptions {
  /** Sends the job in this transaction: it exists if and only if the rows that need it were committed. */
  tx?: Queryable;
  /** Not worked before this many seconds have passed (pg-boss startAfter). */
  startAfterSeconds?: number;
  /**
   * pg-boss hands out higher priorities first, then the oldest. The intake queues use it for fair shares between
   * units (services/ingest/src/fair-share.ts): a unit's n-th waiting job gets -n, so one unit's huge batch does not
   * hold another's small one.
   */
  priority?: number;
}

/** The queue a job goes to once it has failed for good; its worker runs the handler's giveUp. */
export const deadLetterOf = (name: JobName) => `${name}.dead`;

/** The key of a job's data that carries what is not its payload (the request id); the payload schemas drop it. */
const META = '_meta';

/** The request id a job was sent with, if any (and well formed). */
export function jobRequestId(data: unknown): string | undefined {
  const id = (data as { [META]?: { requestId?: unknown } } | null)?.[META]?.requestId;
  return typeof id === 'string' && REQUEST_ID_PATTERN.test(id) ? id : undefined;
}

/** Runs `fn` in the context of the request the job was sent for, or in none (a cron tick, the hot folder). */
const inJobContext = <T>(data: unknown, fn: () => Promise<T>): Promise<T> => {
  const requestId = jobRequestId(data);
  return requestId ? withRequestId(requestId, fn) : fn();
};

const TIMEOUT_MESSAGES = ['job failed by timeout in active state', 'handler execution exceeded'];

/** The last error of a job as pg-boss stored it (a serialized Error, its expiry's note, or our own), in words. */
export function failureReason(output: unknown, jobTimeoutSeconds: number): string {
  const o = output as { message?: unknown; value?: { message?: unknown } } | null | undefined;
  const message = typeof o?.message === 'string' ? o.message : typeof o?.value?.message === 'string' ? o.value.message : null;
  if (message && TIMEOUT_MESSAGES.some((m) => message.startsWith(m))) return `no answer within ${jobTimeoutSeconds} s: the worker hung or stopped`;
  return message ?? (output ? JSON.stringify(output) : 'unknown error');
}

/** pg-boss runs its SQL on any object with executeSql: our transaction client becomes one. */
const bossDb = (db: Queryable): PgBoss.Db => ({ executeSql: (text, values) => db.query(text, values) });

/**
 * pg-boss in its own schema; one queue per job name with retries, an expiry that rescues jobs of hung workers,
 * and a dead-letter queue where a job that failed for good (thrown on its last attempt, or its worker died on it)
 * reaches the handler's giveUp. A heartbeat tells dead worker processes from slow ones.
 */
export class Queue {
  private registry: WorkerRegistry | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  /** pg-boss's ids of this process's workers, by queue. */
  private readonly workerIds = new Map<string, string[]>();

  private constructor(
    private readonly boss: PgBoss,
    private readonly db: Db,
    private readonly options: QueueOptions,
  ) {}

  static async start(options: QueueOptions, log: Logger): Promise<Queue> {
    const boss = new PgBoss({
      connectionString: options.databaseUrl,
      schema: BOSS_SCHEMA,
      maintenanceIntervalSeconds: options.maintenanceSeconds,
      monitorStateIntervalSeconds: options.maintenanceSeconds,
    });
    // On Ctrl-C the terminal signals PostgreSQL too, which ends connections (57P01): expected, not an error.
    boss.on('error', (err: Error & { code?: string }) => {
      if (err.code === '57P01') log.debug({ err: err.message }, 'queue connection closed by the server');
      else log.error({ err: err.message, code: err.code }, 'queue error');
    });
    await boss.start();
    for (const name of jobNames) {
      const retry = options.retryOf?.[name] ?? options.retry ?? { limit: 5, delaySeconds: 2 };
      // The dead-letter queue first: a queue may only name an existing one.
      const dead = { name: deadLetterOf(name), retryLimit: retry.limit, retryDelay: retry.delaySeconds, retryBackoff: true, expireInSeconds: options.jobTimeoutSeconds };
      const settings = { ...dead, name, deadLetter: deadLetterOf(name) };
      for (const queue of [dead, settings]) {
        if (!(await boss.getQueue(queue.name))) await boss.createQueue(queue.name, queue);
        else await boss.updateQueue(queue.name, queue);
      }
    }
    const db = createDb(options.databaseUrl, 2);
    await adoptDeadLetters(db, Object.fromEntries(jobNames.map((n) => [n, deadLetterOf(n)])));
    return new Queue(boss, db, options);
  }

  /**
   * Queues a job. Sent while a request (or a job a request caused) runs, the job carries that request's id in
   * `_meta.requestId` beside its payload; the worker running it logs with that id and passes it on to the jobs it sends.
   */
  async send<N extends JobName>(name: N, payload: JobPayload<N>, options: SendOptions = {}): Promise<void> {
    parsePayload(name, payload);
    const requestId = currentRequestId();
    const data = requestId ? { ...payload, [META]: { requestId } } : payload;
    await this.boss.send(name, data, {
      ...(options.tx ? { db: bossDb(options.tx) } : {}),
      ...(options.startAfterSeconds ? { startAfter: options.startAfterSeconds } : {}),
      ...(options.priority ? { priority: options.priority } : {}),
    });
    if (!options.startAfterSeconds) afterCommit(options.tx ?? this.db, () => this.wake(name));
  }

  /**
   * Wakes this process's idle workers of the queue, once the job is visible: otherwise each waits out its polling
   * interval (0.5 s) before it looks, and a document's four hops (split, build, sign, archive) would wait ~1 s for
   * nothing. Workers of other processes still find the job at their next poll.
   */
  private wake(name: JobName): void {
    for (const id of this.workerIds.get(name) ?? []) this.boss.notifyWorker(id);
  }

  /**
   * Registers every handler and its giveUp on the dead-letter queue; refuses a catalogue with a missing handler so
   * no job kind silently piles up. Expected failures are recorded by the handler itself and complete the job;
   * thrown errors are retried. Jobs a dead process held are put back first.
   */
  async work(handlers: JobHandlers, concurrency: Partial<Record<JobName, number>>, log: Logger, options: { only?: readonly JobName[] } = {}): Promise<void> {
    // `only`: a process that works some job kinds (a test's webhook deliveries without the OCR pipeline).
    const worked = options.only ?? jobNames;
    const missing = worked.filter((n) => !handlers[n]);
    if (missing.length) throw new Error(`no handler for job(s): ${missing.join(', ')}`);

    const registry = (this.registry = new WorkerRegistry(this.db));
    await registry.beat();
    if (this.options.soleWorker) {
      const queues = worked.flatMap((n) => [n, deadLetterOf(n)]);
      const resumed = await this.retryNow((tx) => lockActiveJobs(tx, queues), 'the process running it stopped (power cut or kill)');
      if (resumed.length) log.warn({ jobs: resumed.length }, 'jobs left active by a stopped process are retried');
    }
    await this.sweepDeadWorkers(log);
    const beatEvery = Math.max(1, Math.min(5, this.deadWorkerSeconds / 4)) * 1000;
    this.heartbeat = setInterval(() => {
      registry.beat().then(() => this.sweepDeadWorkers(log)).catch((err) => log.warn({ err: err.message }, 'worker heartbeat failed'));
    }, beatEvery);
    this.heartbeat.unref();

    const workOptions = { batchSize: 1, pollingIntervalSeconds: 0.5, includeMetadata: true } as const;
    for (const name of worked) {
      const handler = handlers[name] as JobHandler<JobName>;
      for (let i = 0; i < (concurrency[name] ?? 1); i++) {
        const id = await this.boss.work(name, workOptions, async ([job]) => inJobContext(job.data, async () => {
          // Each line carries the job; the request id comes from the context (createLogger's mixin), also into the
          // lines the handler's own modules log and into the jobs it sends.
          const jobLog = log.child({ job: name, jobId: job.id });
          await registry.attribute({ name, id: job.id });
          const payload = parsePayload(name, job.data);
          const endTimer = metrics.jobDuration.startTimer({ queue: name });
          try {
            const outcome = await handler.run(payload);
            metrics.jobs.inc({ queue: name, outcome: outcome.status });
            jobLog.debug({ outcome }, 'job finished');
          } catch (err) {
            metrics.jobs.inc({ queue: name, outcome: 'error' });
            const message = err instanceof Error ? err.message : String(err);
            if (job.retryCount >= job.retryLimit) jobLog.error({ err: message }, 'job failed for good');
            else jobLog.warn({ retry: job.retryCount + 1, err: message }, 'job failed, will retry');
            throw err; // pg-boss retries it, or hands it to the dead-letter queue
          } finally {
            endTimer();
          }
        }));
        this.workerIds.set(name, [...(this.workerIds.get(name) ?? []), id]);
      }
      // Give-ups are rare and not urgent: their queues are polled less often.
      await this.boss.work(deadLetterOf(name), { ...workOptions, pollingIntervalSeconds: 2 }, async ([job]) => inJobContext(job.data, async () => {
        const jobLog = log.child({ job: name, jobId: job.id });
        const parsed = jobPayloadOrNull(name, job.data);
        if (!parsed) return void jobLog.error({ data: job.data }, 'dead job with an unreadable payload');
        const reason = redactPaths(failureReason(job.output, this.options.jobTimeoutSeconds)); // shown in the API: no server paths
        await handler.giveUp(parsed, reason);
        jobLog.error({ reason }, 'job given up: failure recorded');
      }));
    }
  }

  private get deadWorkerSeconds(): number {
    return this.options.deadWorkerSeconds ?? 20;
  }

  /** Jobs held by worker processes that stopped beating are put back to retry, and those workers forgotten. */
  private async sweepDeadWorkers(log: Logger): Promise<void> {
    const self = this.registry!.id;
    let gone: string[] = [];
    const resumed = await this.retryNow(async (tx) => {
      const jobs = await lockJobsOfDeadWorkers(tx, this.deadWorkerSeconds, self);
      gone = await forgetDeadWorkers(tx, this.deadWorkerSeconds, self);
      return jobs;
    }, `its worker stopped answering for ${this.deadWorkerSeconds} s`);
    if (gone.length) log.warn({ workers: gone, jobs: resumed.length }, 'dead workers: their jobs are retried');
  }

  /**
   * Fails the selected jobs through pg-boss (so the attempt counts, and a last attempt reaches the dead-letter
   * queue) and lets their retries start now, in one transaction.
   */
  private async retryNow(select: (tx: Queryable) => Promise<JobRef[]>, why: string): Promise<JobRef[]> {
    return withTransaction(this.db, async (tx) => {
      const jobs = await select(tx);
      for (const { name, id } of jobs) await this.boss.fail(name, id, { message: why }, { db: bossDb(tx) });
      await startRetriesNow(tx, jobs);
      return jobs;
    });
  }

  /**
   * A cron schedule (pg-boss keeps it in its schema; whichever process runs the clock sends the job once per tick),
   * or none. `cron: null` removes it, so turning a schedule off in the settings takes effect at the next start.
   */
  async schedule<N extends JobName>(name: N, cron: string | null, payload: JobPayload<N>, tz = 'UTC'): Promise<void> {
    parsePayload(name, payload);
    if (cron === null) await this.boss.unschedule(name);
    else await this.boss.schedule(name, cron, payload, { tz });
  }

  async pending(): Promise<number> {
    let total = 0;
    for (const name of jobNames) total += await this.boss.getQueueSize(name);
    return total;
  }

  async ping(): Promise<void> {
    await this.boss.getQueue(jobNames[0]);
  }

  async stop(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.boss.stop({ graceful: true, timeout: 10_000, wait: true });
    await this.registry?.leave().catch(() => {});
    await this.db.end();
  }
}

function jobPayloadOrNull<N extends JobName>(name: N, data: unknown): JobPayload<N> | null {
  try {
    return parsePayload(name, data);
  } catch {
    return null;
  }
}
