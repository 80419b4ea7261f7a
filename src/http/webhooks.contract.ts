/** What the webhook routes (webhooks.routes.ts) take and answer: other systems' subscriptions to events (issue 11). */
import { z } from 'zod';
import { eventTypes, optional, textInput, uuidInput } from '@sohoa/shared';
import { isoTime, route, uuid } from './openapi/contract.ts';

export const NewWebhook = z.object({
  apiKey: uuidInput.meta({ description: 'the id of the system\'s API key: the subscription hears what that key may read' }),
  url: textInput(2000).min(1, 'a URL is required').meta({ description: 'where the deliveries are POSTed (http or https)' }),
  events: z.array(z.enum(eventTypes), { error: `one or more of ${eventTypes.join(', ')}` }).min(1).max(eventTypes.length),
  description: optional(textInput(500)),
});
export const DeliveriesQuery = z.object({
  status: optional(z.enum(['pending', 'delivered', 'failed', 'cancelled'])),
  limit: optional(z.coerce.number().int().min(1).max(1000)),
});

export const WebhookView = z.strictObject({
  id: uuid(),
  apiKey: z.strictObject({ id: uuid(), name: z.string(), owner: z.string().meta({ description: 'the code of the unit owning the key' }) }),
  url: z.string(), events: z.array(z.enum(eventTypes)), description: z.string().nullable(), createdBy: z.string(), createdAt: isoTime(),
}).meta({ id: 'Webhook' });
const NewWebhookAnswer = WebhookView.extend({
  secret: z.string().regex(/^whsec_/).meta({ description: 'the signing secret (Standard Webhooks, `whsec_…`): shown this once; give it to the receiving system' }),
}).meta({ id: 'NewWebhook' });
const WebhookList = z.strictObject({ webhooks: z.array(WebhookView) }).meta({ id: 'WebhookList' });
export const DeliveryView = z.strictObject({
  id: uuid(),
  webhookId: z.string().meta({ description: 'the `webhook-id` header: the event\'s id, the same on every attempt' }),
  type: z.enum(eventTypes), dossier: z.string().nullable(), record: uuid().nullable(),
  status: z.enum(['pending', 'delivered', 'failed', 'cancelled']).meta({ description: 'pending: retrying (or held back behind an earlier event of its dossier); failed: no retry left' }),
  attempts: z.number().int(), lastStatus: z.number().int().nullable().meta({ description: 'the receiver\'s last HTTP status; null: no answer' }),
  lastError: z.string().nullable(), lastAttemptAt: isoTime().nullable(), deliveredAt: isoTime().nullable(), createdAt: isoTime(),
}).meta({ id: 'WebhookDelivery' });
const DeliveryList = z.strictObject({ deliveries: z.array(DeliveryView) }).meta({ id: 'WebhookDeliveryList' });

const manage = 'unit-admins of the unit owning the key, or above (webhooks:manage)';
const webhook = { id: 'the webhook (subscription) id' };

export const webhookContract = [
  route({
    method: 'get', path: '/api/v1/webhooks', tag: 'webhooks', access: 'caller', who: manage,
    summary: 'Webhook subscriptions of the keys owned by the units the caller manages (never their secrets)',
    responses: { 200: { description: 'the subscriptions', json: WebhookList } }, errors: { 403: '`forbidden`' },
  }),
  route({
    method: 'post', path: '/api/v1/webhooks', tag: 'webhooks', access: 'caller', who: manage,
    summary: 'Subscribe a system\'s key to events (record.archived, dossier.completed, dossier.needs-review, record.disposed, fixity.failed); the signing secret is shown once',
    description: 'Deliveries follow Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature` (v1, HMAC-SHA256). Only events of the units the key may read (records:read, dossiers:read or reuse:read) are sent, in order per dossier, retried with a growing delay.',
    body: { json: NewWebhook, required: true },
    responses: { 201: { description: 'the subscription and its secret', json: NewWebhookAnswer } },
    errors: { 403: '`forbidden`', 404: '`not-found`: the key', 409: '`key-revoked`', 422: '`invalid-input`: the URL or the event types' },
  }),
  route({
    method: 'delete', path: '/api/v1/webhooks/:id', tag: 'webhooks', access: 'caller', who: manage, params: webhook,
    summary: 'End a subscription: nothing more is sent, its pending deliveries are cancelled', responses: { 204: { description: 'deleted' } },
    errors: { 403: '`forbidden`', 404: '`not-found`' },
  }),
  route({
    method: 'get', path: '/api/v1/webhooks/:id/deliveries', tag: 'webhooks', access: 'caller', who: manage, params: webhook, query: DeliveriesQuery,
    summary: 'The delivery log of a subscription, newest first: status, attempts, the last answer or error',
    responses: { 200: { description: 'the deliveries', json: DeliveryList } }, errors: { 403: '`forbidden`', 404: '`not-found`', 422: '`invalid-input`' },
  }),
];
