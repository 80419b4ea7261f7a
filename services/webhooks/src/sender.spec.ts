import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { messageBody, newSecret, signedHeaders } from './sender.ts';

describe('Standard Webhooks signing', () => {
  const message = { webhookId: 'msg_0123456789abcdef', type: 'record.archived', occurredAt: new Date('2026-11-21T03:00:00Z'), data: { dossier: 'X', record: null } };

  it('signs what a Standard Webhooks receiver verifies, and nothing else', () => {
    const secret = newSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const body = messageBody(message);
    expect(JSON.parse(body)).toEqual({ type: 'record.archived', timestamp: '2026-11-21T03:00:00.000Z', data: { dossier: 'X', record: null } });
    const headers = signedHeaders(secret, message, body);
    expect(headers['webhook-id']).toBe('msg_0123456789abcdef');
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(secret).verify(body.replace('"X"', '"Y"'), headers)).toThrow(/signature/i);
    expect(() => new Webhook(newSecret()).verify(body, headers)).toThrow(/signature/i);
  });

  it('dates each attempt: an old one is refused as too old', () => {
    const secret = newSecret();
    const body = messageBody(message);
    const headers = signedHeaders(secret, message, body, new Date(Date.now() - 6 * 60_000));
    expect(() => new Webhook(secret).verify(body, headers)).toThrow(/too old/i);
  });
});
