/**
 * One delivery over HTTP, in the Standard Webhooks format (https://www.standardwebhooks.com): the body
 * `{"type", "timestamp", "data"}`, and the headers `webhook-id` (the event's id, the same on every attempt: the
 * receiver's key to ignore a repeat), `webhook-timestamp` (this attempt's time, seconds) and `webhook-signature`
 * (`v1,` HMAC-SHA256 of `id.timestamp.body` with the subscription's `whsec_` secret), signed by the
 * `standardwebhooks` package.
 */
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

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

/** Sends one attempt; any 2xx is delivered. Redirects are not followed (a receiver's URL is what it was given). */
export async function sendMessage(url: string, secret: string, m: WebhookMessage, timeoutMs: number): Promise<Attempt> {
  const body = messageBody(m);
  try {
    const response = await fetch(url, {
      method: 'POST', body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs),
      headers: { 'content-type': 'application/json', 'user-agent': 'sohoa-webhooks/1', ...signedHeaders(secret, m, body) },
    });
    await response.body?.cancel().catch(() => {});
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status, error: null };
    return { ok: false, status: response.status, error: `the receiver answered ${response.status} ${response.statusText}`.trim() };
  } catch (err) {
    return { ok: false, status: null, error: attemptError(err, timeoutMs) };
  }
}

/** A failed request in words (no server paths, no secrets: the URL is the subscriber's own). */
function attemptError(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const code = e?.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND') return 'the receiver\'s host name is not known';
  if (code) return `the request failed (${code})`;
  return `the request failed: ${e?.cause?.message ?? e?.message ?? String(err)}`;
}
