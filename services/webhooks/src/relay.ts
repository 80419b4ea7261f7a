/**
 * The relay: events of the outbox (`events`, written in the transactions of the changes) become deliveries, one per
 * subscription that may hear of them, each with its webhook.deliver job, in one transaction that also marks the
 * events dispatched. One relay at a time (a transaction-scoped lock), so deliveries are made in the events' order.
 */
import { eventRepository, withTransaction, type Db, type Logger, type Queue } from '@sohoa/shared';
import { insertDeliveries } from './webhooks.repository.ts';

/** Dispatches the events waiting in the outbox, a batch at a time; returns how many events it dispatched. */
export async function dispatchEvents(deps: { db: Db; queue: Queue }, batch = 200): Promise<number> {
  let total = 0;
  for (;;) {
    const dispatched = await withTransaction(deps.db, async (tx) => {
      const { rows: [lock] } = await tx.query<{ got: boolean }>(`SELECT pg_try_advisory_xact_lock(hashtextextended('webhooks:relay', 0)) AS got`);
      if (!lock?.got) return 0; // another process's relay is at it
      const events = await eventRepository.claimUndispatched(tx, batch);
      if (!events.length) return 0;
      for (const deliveryId of await insertDeliveries(tx, events.map((e) => e.id))) await deps.queue.send('webhook.deliver', { deliveryId }, { tx });
      await eventRepository.markDispatched(tx, events.map((e) => e.id));
      return events.length;
    });
    total += dispatched;
    if (dispatched < batch) return total;
  }
}

/** Runs the relay every `pollMs` until stopped. */
export function startRelay(deps: { db: Db; queue: Queue; log: Logger }, pollMs: number): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    running = dispatchEvents(deps)
      .catch((err) => deps.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'webhook relay failed; it tries again'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, pollMs);
      });
  };
  let timer: NodeJS.Timeout = setTimeout(tick, 0);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
