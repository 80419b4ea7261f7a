/**
 * What an OpenID Connect sign-in must remember between sending the browser to the provider and its return: the
 * state, the nonce and the PKCE code verifier. They travel in a short-lived cookie, HMAC-signed, so the callback
 * takes back exactly what this server put there (no table, and any instance of the API can take the callback).
 *
 * Pure: no I/O, the clock passed in.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { SignInFlow } from '../accounts/index.ts';

/** Ten minutes to sign in at the provider: the cookie's Max-Age, and the signed expiry checked on return. */
export const FLOW_SECONDS = 600;

/**
 * The signing key, derived from the client secret: every instance of the API has it, nobody outside the server and
 * the provider does, and a new secret ends the flows under way.
 */
export function flowKey(clientSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', clientSecret, 'sohoa', 'oidc sign-in flow cookie', 32));
}

const mac = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest('base64url');

export function sealFlow(key: Buffer, flow: SignInFlow, now = Date.now()): string {
  const payload = Buffer.from(JSON.stringify({ s: flow.state, n: flow.nonce, v: flow.codeVerifier, e: now + FLOW_SECONDS * 1000 })).toString('base64url');
  return `${payload}.${mac(key, payload)}`;
}

/** The flow a cookie carries, or why it cannot be used (altered, expired, not ours). */
export function openFlow(key: Buffer, value: string | null, now = Date.now()): SignInFlow | { refused: string } {
  if (!value) return { refused: 'no sign-in under way in this browser (its cookie is missing): start again' };
  const [payload, signature, ...rest] = value.split('.');
  const expected = Buffer.from(mac(key, payload ?? ''));
  const given = Buffer.from(signature ?? '');
  if (rest.length || expected.length !== given.length || !timingSafeEqual(expected, given)) return { refused: 'the sign-in cookie is not the one this server set' };
  let parsed: { s?: unknown; n?: unknown; v?: unknown; e?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
  } catch {
    return { refused: 'the sign-in cookie is not the one this server set' };
  }
  const { s, n, v, e } = parsed;
  if (typeof s !== 'string' || typeof n !== 'string' || typeof v !== 'string' || typeof e !== 'number') return { refused: 'the sign-in cookie is not the one this server set' };
  if (e <= now) return { refused: 'the sign-in took too long: start again' };
  return { state: s, nonce: n, codeVerifier: v };
}
