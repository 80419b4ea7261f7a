/**
 * A webhook receiver's URL goes through the outbound guard the signer's fetches use: with OUTBOUND_ALLOW_PRIVATE
 * off (the default), a receiver on loopback is refused when it is registered, and a subscription that points
 * inward anyway (made while the setting was on) gets no request at delivery: its log says why, in words. The
 * receiver listens on this machine and counts what reaches it. (test/webhooks.test.ts delivers to one with the
 * setting on.)
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubscription } from '@sohoa/webhooks';
import { apiKeys, operatorCaller } from '../src/accounts/index.ts';
import { expectResponseConforms } from './helpers/contract-check.ts';
import { archivedRecord } from './helpers/records.ts';
import { startTestStack, waitFor, type TestStack } from './helpers/stack.ts';

describe('webhook receivers on loopback, with OUTBOUND_ALLOW_PRIVATE off', () => {
  let stack: TestStack;
  let server: http.Server;
  let url = '';
  let reached = 0;
  let keyId = '';

  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const full = `${stack.url}/api/v1${path}`;
    const r = await fetch(full, { method, headers: { authorization: `Bearer ${stack.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    await expectResponseConforms(method, full, r);
    return { status: r.status, body: await r.json() };
  }

  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      reached += 1;
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
    stack = await startTestStack(
      { OUTBOUND_ALLOW_PRIVATE: 'off', WEBHOOK_RETRY_LIMIT: '0', WEBHOOK_POLL_MS: '200', WEBHOOK_TIMEOUT_MS: '3000' },
      { workers: false, webhooks: true },
    );
    keyId = (await apiKeys.createKey(stack.runtime.db, operatorCaller(), { name: 'cong-thong-tin', unitCodes: ['000.00.00.H00'], scopes: ['records:read'] })).key.id;
  });
  afterAll(async () => {
    await stack?.stop();
    await new Promise((resolve) => server.close(resolve));
  });

  it('refuses to register a receiver on a loopback address or localhost, saying why', async () => {
    for (const receiver of [url, url.replace('127.0.0.1', 'localhost'), 'http://[::1]:9/hook', 'http://10.1.2.3/hook']) {
      const answer = await call('POST', '/webhooks', { apiKey: keyId, url: receiver, events: ['record.archived'] });
      expect(answer.status, receiver).toBe(422);
      expect(answer.body.error.fields, receiver).toEqual([{ field: 'url', message: 'not a loopback or private address (OUTBOUND_ALLOW_PRIVATE is off)' }]);
    }
    expect((await call('POST', '/webhooks', { apiKey: keyId, url: 'https://example.org/hook', events: ['record.archived'] })).status).toBe(201);
  });

  it('sends nothing to a subscription on loopback made while allowed: the delivery fails with the reason', async () => {
    const made = await createSubscription(stack.runtime.db, operatorCaller(), { apiKey: keyId, url, events: ['record.archived'] }, { allowPrivate: true });
    await archivedRecord(stack.runtime, { procedure: 'KS', component: 'KS-TK' });
    const delivery = await waitFor('the delivery to be tried', async () => {
      const { rows } = await stack.runtime.db.query<{ last_error: string | null }>('SELECT last_error FROM webhook_deliveries WHERE subscription_id = $1 AND last_error IS NOT NULL', [made.id]);
      return rows[0];
    }, 30_000);
    expect(delivery.last_error).toMatch(/refused: a loopback or private address is not asked \(OUTBOUND_ALLOW_PRIVATE is off\)/);
    expect(reached).toBe(0);
  });
});
