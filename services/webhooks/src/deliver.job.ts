/**
 * webhook.deliver: one event to one subscription, in order within the event's dossier. The job holds the stream's
 * lock (subscription + dossier) while it sends, then delivers the stream's pending events oldest first, its own
 * among them: an earlier event that still fails holds the later ones back (the job throws, pg-boss retries it with
 * a growing delay), and once the receiver answers again, whichever job of the stream runs first delivers them all,
 * in order. A delivery is marked delivered under the lock, so no event is sent again after a 2xx; an attempt whose
 * answer was lost is repeated with the same `webhook-id`, which the receiver uses to ignore the repeat.
 */
import { metrics, type Db, type JobHandler } from '@sohoa/shared';
import * as repo from './webhooks.repository.ts';
import { DEFAULT_OUTBOUND_LIMITS } from '@sohoa/signer';
import { sendMessage } from './sender.ts';

export interface DeliverJobDeps {
  db: Db;
  /**
   * timeoutMs: one attempt's; budgetMs: how long a job goes on delivering its stream (well within the job's expiry);
   * allowPrivate (OUTBOUND_ALLOW_PRIVATE) and maxBytes (OUTBOUND_MAX_BYTES): the outbound guard's, absent: refused, 10 MiB.
   */
  settings: { timeoutMs: number; budgetMs?: number; allowPrivate?: boolean; maxBytes?: number };
}

/** A job delivers at most this many events of its stream, within its time budget (the rest have jobs of their own). */
const MAX_PER_JOB = 100;

export function deliverWebhookJob(deps: DeliverJobDeps): JobHandler<'webhook.deliver'> {
  const limits = { timeoutMs: deps.settings.timeoutMs, maxBytes: deps.settings.maxBytes ?? DEFAULT_OUTBOUND_LIMITS.maxBytes, allowPrivate: deps.settings.allowPrivate === true };
  return {
    async run({ deliveryId }) {
      const own = await repo.deliveryState(deps.db, deliveryId);
      if (!own) return { status: 'skipped', reason: 'no such delivery' };
      if (own.status !== 'pending') return { status: 'skipped', reason: `delivery is ${own.status}` };
      const deadline = Date.now() + (deps.settings.budgetMs ?? 120_000);
      return withStreamLock(deps.db, `${own.subscriptionId}:${own.stream}`, async () => {
        for (let sent = 0; sent < MAX_PER_JOB && Date.now() < deadline; sent++) {
          const next = await repo.firstPending(deps.db, own.subscriptionId, own.stream);
          if (!next) break;
          if (!next.live || !next.keyHears) {
            await repo.cancelDelivery(deps.db, next.id, next.live ? 'the key may no longer read this unit (revoked, expired or its units changed)' : 'the subscription was deleted');
            continue;
          }
          const attempt = await sendMessage(next.url, next.secret, next, limits);
          await repo.recordAttempt(deps.db, next.id, attempt);
          if (!attempt.ok) {
            metrics.webhookFailures.inc();
            const mine = (await repo.deliveryState(deps.db, deliveryId))!;
            if (mine.status !== 'pending') return { status: 'done' } as const; // a later event failed: its own job retries it
            throw new Error(next.id === deliveryId ? attempt.error! : `held back behind ${next.webhookId} of the same dossier: ${attempt.error}`);
          }
        }
        const mine = (await repo.deliveryState(deps.db, deliveryId))!;
        if (mine.status === 'pending') throw new Error('still behind earlier events of its dossier');
        return { status: 'done' } as const;
      });
    },
    async giveUp({ deliveryId }, error) {
      await repo.failDelivery(deps.db, deliveryId, `no retry left: ${error}`);
    },
  };
}

/** Runs `work` holding a session lock on its own connection (the sends take seconds; no transaction stays open). */
async function withStreamLock<T>(db: Db, stream: string, work: () => Promise<T>): Promise<T> {
  const client = await db.connect();
  const key = `webhooks:${stream}`;
  let broken = false; // a connection whose unlock failed is closed, never handed back holding the lock
  try {
    await client.query(`SELECT pg_advisory_lock(hashtextextended($1, 0))`, [key]);
    try {
      return await work();
    } finally {
      await client.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [key]).catch(() => void (broken = true));
    }
  } finally {
    client.release(broken);
  }
}
