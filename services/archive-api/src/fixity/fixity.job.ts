import type { Db, JobHandler, ObjectStore, Queue } from '@sohoa/shared';
import * as repo from './fixity.repository.ts';
import { runFixitySlice, type FixityDeps } from './fixity.service.ts';
import { signatureChecker, type SignatureCheckerSettings } from './signature-checker.ts';
import type { ThrottleLimits } from './fixity-core.ts';

export interface FixitySettings {
  limits: ThrottleLimits;
  /** A job works this long on a run, then queues the next slice (kept well under JOB_TIMEOUT_SECONDS). */
  sliceSeconds: number;
  signatureCheckMaxBytes: number;
  trust: SignatureCheckerSettings;
}

export interface FixityJobDeps { db: Db; store: ObjectStore; queue: Queue; settings: FixitySettings }

export async function fixityDeps(deps: Pick<FixityJobDeps, 'db' | 'store' | 'settings'>): Promise<FixityDeps> {
  return {
    db: deps.db, store: deps.store, limits: deps.settings.limits, signatureCheckMaxBytes: deps.settings.signatureCheckMaxBytes,
    checkSignatures: await signatureChecker(deps.settings.trust),
  };
}

/**
 * fixity.run: the cron tick (no run id) continues the scheduled run a killed worker left unfinished, or starts a new
 * one over every unit; a run id (a requested run, or the next slice of a long one) works that run. Each job works
 * one slice and queues the next, so a run of any length never meets the job timeout, and the cursor makes a
 * retried slice continue rather than restart.
 */
export function fixityRunJob(deps: FixityJobDeps): JobHandler<'fixity.run'> {
  return {
    async run({ runId }) {
      const run = runId
        ? await repo.loadRun(deps.db, runId)
        : ((await repo.unfinishedScheduledRun(deps.db)) ?? (await repo.createRun(deps.db, { trigger: 'schedule', requestedBy: 'system', unitIds: null })));
      if (!run) return { status: 'skipped', reason: 'no such fixity run' };
      const outcome = await runFixitySlice(await fixityDeps(deps), run.id, { sliceMs: deps.settings.sliceSeconds * 1000, actor: run.requestedBy });
      if (outcome.state === 'busy') return { status: 'skipped', reason: 'another worker is working this run' };
      if (outcome.state === 'more') await deps.queue.send('fixity.run', { runId: run.id });
      return { status: 'done' };
    },
    async giveUp() {
      // The run keeps its cursor and stays 'running': the next tick (or the next request) continues it.
    },
  };
}
