/**
 * Webhook subscriptions of other systems (issue 11), managed by unit-admins for the keys their units own:
 *   GET    /webhooks                  the subscriptions
 *   POST   /webhooks                  {"apiKey", "url", "events": [...], "description"?} → the subscription and its secret (once)
 *   DELETE /webhooks/:id              ends it
 *   GET    /webhooks/:id/deliveries   the delivery log (?status=&limit=)
 */
import express, { type Response } from 'express';
import { AppError, isUuid, parseInput, type Caller, type Db } from '@sohoa/shared';
import { createSubscription, deleteSubscription, deliveryLog, listSubscriptions } from '@sohoa/webhooks';
import { DeliveriesQuery, NewWebhook } from './webhooks.contract.ts';

const caller = (res: Response) => res.locals.caller as Caller;
function webhookId(value: string): string {
  if (!isUuid(value)) throw new AppError('not-found', 'webhook not found', 404);
  return value;
}

/** Mounted under /api/v1 after a JSON body parser. allowPrivate: OUTBOUND_ALLOW_PRIVATE, a receiver on loopback or a private network. */
export function webhookRoutes(deps: { db: Db; allowPrivate?: boolean }): express.Router {
  const r = express.Router();
  r.get('/webhooks', async (_req, res) => {
    res.json({ webhooks: await listSubscriptions(deps.db, caller(res)) });
  });
  r.post('/webhooks', async (req, res) => {
    const body = parseInput(NewWebhook, { ...req.body });
    res.status(201).json(await createSubscription(deps.db, caller(res), { ...body, description: body.description ?? null }, { allowPrivate: deps.allowPrivate }));
  });
  r.delete('/webhooks/:id', async (req, res) => {
    await deleteSubscription(deps.db, caller(res), webhookId(req.params.id));
    res.status(204).end();
  });
  r.get('/webhooks/:id/deliveries', async (req, res) => {
    const query = parseInput(DeliveriesQuery, { ...req.query });
    res.json({ deliveries: await deliveryLog(deps.db, caller(res), webhookId(req.params.id), { status: query.status ?? null, limit: query.limit }) });
  });
  return r;
}
