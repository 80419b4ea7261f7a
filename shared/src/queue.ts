import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { redactPaths } from './errors.ts';
import { jobNames, parsePayload, type JobHandler, type JobHandlers, type JobName, type JobPayload } from './jobs.ts';

export interface QueueOptions {
  databaseUrl: string;
  jobTimeoutSeconds: number;
  maintenanceSeconds: number;
}

/** pg-boss in its own schema; one queue per job name with retries and an expiry that rescues jobs of dead workers. */
export class Queue {
  private constructor(private readonly boss: PgBoss) {}

  static async start(options: QueueOptions, log: Logger): Promise<Queue> {
    const boss = new PgBoss({
      connectionString: options.databaseUrl,
      schema: 'pgboss',
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
      const settings = {
        retryLimit: 5,
        retryDelay: 2,
        retryBackoff: true,
        expireInSeconds: options.jobTimeoutSeconds,
      };
      if (!(await boss.getQueue(name))) await boss.createQueue(name, { name, ...settings });
      else await boss.updateQueue(name, { name, ...settings });
    }
    return new Queue(boss);
  }

  async send<N extends JobName>(name: N, payload: JobPayload<N>): Promise<void> {
    parsePayload(name, payload);
    await this.boss.send(name, payload);
  }

  /**
   * Registers every handler; refuses a catalogue with a missing handler so no job kind silently piles up.
   * Expected failures are recorded by the handler itself and complete the job; thrown errors are retried.
   */
  async work(handlers: JobHandlers, concurrency: Partial<Record<JobName, number>>, log: Logger): Promise<void> {
    const missing = jobNames.filter((n) => !handlers[n]);
    if (missing.length) throw new Error(`no handler for job(s): ${missing.join(', ')}`);
    for (const name of jobNames) {
      const handler = handlers[name] as JobHandler<JobName>;
      for (let i = 0; i < (concurrency[name] ?? 1); i++) {
        await this.boss.work(name, { batchSize: 1, pollingIntervalSeconds: 0.5, includeMetadata: true }, async ([job]) => {
          const payload = parsePayload(name, job.data);
          try {
            const outcome = await handler.run(payload);
            log.debug({ job: name, id: job.id, outcome }, 'job finished');
          } catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            if (job.retryCount >= job.retryLimit) {
              log.error({ job: name, id: job.id, err: message }, 'job failed for good');
              await handler.giveUp(payload, redactPaths(message)); // the reason is shown in the API: no server paths
            } else {
              log.warn({ job: name, id: job.id, retry: job.retryCount + 1, err: message }, 'job failed, will retry');
            }
            throw err;
          }
        });
      }
    }
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
    await this.boss.stop({ graceful: true, timeout: 10_000, wait: true });
  }
}
