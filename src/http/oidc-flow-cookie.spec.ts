import { describe, expect, it } from 'vitest';
import { FLOW_SECONDS, flowKey, openFlow, sealFlow } from './oidc-flow-cookie.ts';

describe('the sign-in flow cookie', () => {
  const key = flowKey('the client secret');
  const flow = { state: 'state-1', nonce: 'nonce-1', codeVerifier: 'verifier-1' };
  const now = Date.UTC(2026, 0, 1);

  it('gives back what was sealed, until it expires', () => {
    const sealed = sealFlow(key, flow, now);
    expect(openFlow(key, sealed, now + 1000)).toEqual(flow);
    expect(openFlow(key, sealed, now + FLOW_SECONDS * 1000)).toEqual({ refused: expect.stringContaining('too long') });
  });

  it('refuses a cookie altered, signed with another key, missing or malformed', () => {
    const sealed = sealFlow(key, flow, now);
    const [payload, signature] = sealed.split('.');
    const altered = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), s: 'state-2' })).toString('base64url');
    const notOurs = { refused: 'the sign-in cookie is not the one this server set' };
    expect(openFlow(key, `${altered}.${signature}`, now)).toEqual(notOurs);
    expect(openFlow(flowKey('another secret'), sealed, now)).toEqual(notOurs);
    expect(openFlow(key, `${sealed}.x`, now)).toEqual(notOurs);
    expect(openFlow(key, 'garbage', now)).toEqual(notOurs);
    expect(openFlow(key, null, now)).toEqual({ refused: expect.stringContaining('missing') });
  });
});
