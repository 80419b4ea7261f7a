/**
 * One delivery over HTTP, in the Standard Webhooks format (https://www.standardwebhooks.com): the body
 * `{"type", "timestamp", "data"}`, and the headers `webhook-id` (the event's id, the same on every attempt: the
 * receiver's key to ignore a repeat), `webhook-timestamp` (this attempt's time, seconds) and `webhook-signature`
 * (`v1,` HMAC-SHA256 of `id.timestamp.body` with the subscription's `whsec_` secret), signed by the
 * `standardwebhooks` package.
 */
import { randomBytes } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { OutboundRefused, requestOutbound, type OutboundLimits } from '@sohoa/signer';

export interface WebhookMessage { webhookId: string; type: string; occurredAt: Date; data: Record<string, unknown> }
export interface Attempt { ok: boolean; status: number | null; error: string | null }

/** A new signing secret: `whsec_` and 32 random bytes in base64 (what the receiver's library takes as it is). */
export const newSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

/** The body every attempt of a message sends (fixed by the event: the same bytes each time). */
export const messageBody = (m: WebhookMessage): string => JSON.stringify({ type: m.type, timestamp: new Date(m.occurredAt).toISOString(), data: m.data });

/** The three Standard Webhooks headers for one attempt at `now`. */
export function signedHeaders(secret: string, m: WebhookMessage, body: string, now = new Date()): Record<string, string> {
  return {
    'webhook-id': m.webhookId,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(m.webhookId, now, body),
  };
}

/**
 * How a delivery reaches out: the same guard as the signer's fetches of certificates' URLs (services/signer/src/outbound.ts):
 * http(s) only, a loopback or private receiver refused unless OUTBOUND_ALLOW_PRIVATE is on (checked on the address
 * connected to, after DNS), the receiver's answer read up to `maxBytes`. A subscriber's URL would otherwise make the
 * delivery log a probe of the inside network ("connection refused" here, "answered 404" there).
 */
export type DeliveryLimits = Pick<OutboundLimits, 'timeoutMs' | 'maxBytes' | 'allowPrivate'>;

/** Sends one attempt; any 2xx is delivered. Redirects are not followed (a receiver's URL is what it was given). */
export async function sendMessage(url: string, secret: string, m: WebhookMessage, limits: DeliveryLimits): Promise<Attempt> {
  const body = messageBody(m);
  try {
    const answer = await requestOutbound(url, {
      method: 'POST', body: Buffer.from(body),
      headers: { 'content-type': 'application/json', 'user-agent': 'sohoa-webhooks/1', ...signedHeaders(secret, m, body) },
    }, { ...limits, maxRedirects: 0 });
    if (answer.status >= 200 && answer.status < 300) return { ok: true, status: answer.status, error: null };
    return { ok: false, status: answer.status, error: `the receiver answered ${answer.status} ${STATUS_CODES[answer.status] ?? ''}`.trim() };
  } catch (err) {
    return { ok: false, status: null, error: attemptError(err, limits) };
  }
}

/** A failed request in words (no server paths, no secrets: the URL is the subscriber's own). */
function attemptError(err: unknown, limits: DeliveryLimits): string {
  if (err instanceof OutboundRefused) return `refused: ${err.message}`;
  const e = err as { name?: string; message?: string; code?: string; cause?: { name?: string; code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.cause?.name === 'TimeoutError') return `no answer within ${limits.timeoutMs} ms`;
  if (e?.message === 'too large') return `the receiver's answer was larger than ${limits.maxBytes} bytes`;
  const code = e?.code ?? e?.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND') return 'the receiver\'s host name is not known';
  if (code) return `the request failed (${code})`;
  return `the request failed: ${e?.cause?.message ?? e?.message ?? String(err)}`;
}
