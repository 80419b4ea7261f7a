/**
 * Sign-in with OpenID Connect against a real provider (the `oidc-provider` package, in this process on a free port)
 * and the real stack (embedded PostgreSQL, the HTTP app configured through OIDC_*). The browser is fetch with a
 * cookie jar, following every redirect by hand; the person "types their password" at the provider's interaction
 * endpoint, which this test answers for the account it signs in as.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@sohoa/shared';
import { createApp } from '../src/http/index.ts';
import { startTestStack, type TestStack } from './helpers/stack.ts';
import { fixtureMaker, type UnitFixture } from './helpers/unit-fixtures.ts';
import { expectResponseConforms } from './helpers/contract-check.ts';

const CLIENT_SECRET = 'a client secret shared with the test provider';

/** A browser: one cookie jar for every site on 127.0.0.1 (cookies do not tell ports apart). */
class Browser {
  readonly cookies = new Map<string, string>();
  async go(url: string | URL, headers: Record<string, string> = {}): Promise<Response> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const answer = await fetch(url, { redirect: 'manual', headers: { ...(cookie && { cookie }), ...headers } });
    // sohoa's answers (not the provider's) as their route's contract (the OpenAPI document) says.
    if (new URL(url).pathname.startsWith('/api/v1/')) await expectResponseConforms('GET', String(url), answer);
    for (const line of answer.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      const [name, value] = [pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim()];
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a) || /^\s*max-age=0$/i.test(a));
      if (expired || !value) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return answer;
  }
}

interface SignInAttempt {
  /** The app's answer to GET /session/oidc, and its flow cookie's Set-Cookie line. */
  start: Response; flowCookie: string;
  authorizationUrl: URL;
  /** The app's answer to the provider's redirect back. */
  callback: Response; body: string;
  /** The session cookie's Set-Cookie line, if one was set. */
  sessionCookie: string | null;
  browser: Browser;
}

describe('sign-in with OpenID Connect (a local provider)', () => {
  let stack: TestStack;
  let providerServer: Server;
  let provider: Provider;
  let issuer: string;
  let redirectUrl: string;
  let A: UnitFixture;
  let B: UnitFixture;
  /** The provider's accounts: sub → the claims it vouches for. */
  const accounts = new Map<string, Record<string, unknown>>();
  /** Who "enters their password" at the provider's login prompt. */
  let signingInAs = '';

  async function listen(server: Server): Promise<number> {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  /** The provider's login and consent prompts, answered at once: the person signs in as `signingInAs` and consents. */
  async function interact(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name === 'login') {
      await provider.interactionFinished(req, res, { login: { accountId: signingInAs } }, { mergeWithLastSubmission: false });
      return;
    }
    const grant = new provider.Grant({ accountId: details.session!.accountId, clientId: details.params.client_id as string });
    grant.addOIDCScope(details.params.scope as string);
    await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
  }

  beforeAll(async () => {
    // The provider's server first: its address is the issuer the app is configured with.
    let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => void res.writeHead(503).end();
    providerServer = createServer((req, res) => handle(req, res));
    issuer = `http://127.0.0.1:${await listen(providerServer)}`;
    // The app's port is fixed before it starts: the redirect URL registered at the provider names it.
    const probe = createServer();
    const appPort = await listen(probe);
    await new Promise((resolve) => probe.close(resolve));
    redirectUrl = `http://127.0.0.1:${appPort}/api/v1/session/oidc/callback`;

    provider = new Provider(issuer, {
      clients: [{ client_id: 'sohoa', client_secret: CLIENT_SECRET, redirect_uris: [redirectUrl], response_types: ['code'], grant_types: ['authorization_code'] }],
      findAccount: (_ctx, sub) => (accounts.has(sub) ? { accountId: sub, claims: () => ({ sub, ...accounts.get(sub) }) } : undefined),
      claims: { openid: ['sub'], profile: ['name', 'preferred_username'], sohoa: ['sohoa_unit', 'sohoa_roles'] },
      features: { devInteractions: { enabled: false } },
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      pkce: { required: () => true },
      cookies: { keys: ['the test provider\'s cookie key'] },
      jwks: { keys: [{ ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'test', use: 'sig', alg: 'RS256' } as any] },
    });
    const callback = provider.callback();
    handle = (req, res) => {
      if (req.url?.startsWith('/interaction/')) interact(req, res).catch((err) => void res.writeHead(500).end(String(err)));
      else callback(req, res);
    };

    stack = await startTestStack({
      PORT: String(appPort), OIDC_ISSUER: issuer, OIDC_CLIENT_ID: 'sohoa', OIDC_CLIENT_SECRET: CLIENT_SECRET, OIDC_REDIRECT_URL: redirectUrl,
      OIDC_SCOPES: 'openid profile sohoa',
    }, { workers: false });
    const { db, store, queue, config } = stack.runtime;
    const maker = await fixtureMaker({ db, store, queue, pkiDir: config.pkiDir });
    const D = await maker.unit('501.00.00.H50', 'UBND quận Năm', null, { dispose: false });
    A = await maker.unit('501.01.00.H51', 'UBND phường Một', D.code);
    B = await maker.unit('501.02.00.H52', 'UBND phường Hai', D.code);
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
    await new Promise((resolve) => providerServer?.close(resolve));
  });

  /**
   * One sign-in, as a browser does it: the app's start route, the provider (its login and consent prompts), back
   * to the app's callback. The tampering hooks play an attacker's part on the way.
   */
  async function signIn(sub: string, o: { authorization?: (url: URL) => void; callback?: (url: URL) => void; browser?: (b: Browser) => void } = {}): Promise<SignInAttempt> {
    signingInAs = sub;
    const browser = new Browser();
    const start = await browser.go(`${stack.url}/api/v1/session/oidc`);
    expect(start.status).toBe(302);
    const flowCookie = start.headers.getSetCookie().find((c) => c.startsWith('sohoa_oidc=')) ?? '';
    const authorizationUrl = new URL(start.headers.get('location')!);
    let url = new URL(authorizationUrl);
    o.authorization?.(url);
    for (let hop = 0; !url.href.startsWith(redirectUrl); hop++) {
      const answer = await browser.go(url);
      const location = answer.headers.get('location');
      if (!location || hop > 10) throw new Error(`the provider answered ${answer.status} at ${url.pathname}: ${(await answer.text()).slice(0, 300)}`);
      url = new URL(location, url);
    }
    o.callback?.(url);
    o.browser?.(browser);
    const callback = await browser.go(url);
    const sessionCookie = callback.headers.getSetCookie().find((c) => /^sohoa_session=/.test(c)) ?? null;
    return { start, flowCookie, authorizationUrl, callback, body: await callback.text(), sessionCookie, browser };
  }

  const withSession = (cookie: string, route: string) => fetch(`${stack.url}/api/v1${route}`, { headers: { cookie: cookie.split(';')[0]! } });
  const count = async (sql: string, params: unknown[] = []) => Number((await stack.runtime.db.query<{ n: string }>(sql, params)).rows[0]!.n);
  const sessionsCount = () => count('SELECT count(*) AS n FROM sessions');

  it('signs a clerk in from the claims: a session cookie that works, reaching exactly the claimed unit\'s data', async () => {
    accounts.set('an-001', { preferred_username: 'an.clerk', name: 'Nguyễn Văn An', sohoa_unit: A.code, sohoa_roles: ['clerk'] });
    const s = await signIn('an-001');

    // The start: PKCE (S256), state and nonce sent; the flow cookie short-lived, HttpOnly, SameSite=Lax.
    expect(s.authorizationUrl.origin).toBe(issuer);
    expect(Object.fromEntries(['client_id', 'response_type', 'redirect_uri', 'code_challenge_method', 'scope'].map((k) => [k, s.authorizationUrl.searchParams.get(k)]))).toEqual({
      client_id: 'sohoa', response_type: 'code', redirect_uri: redirectUrl, code_challenge_method: 'S256', scope: 'openid profile sohoa',
    });
    for (const k of ['state', 'nonce', 'code_challenge']) expect(s.authorizationUrl.searchParams.get(k)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(s.flowCookie).toMatch(/^sohoa_oidc=[A-Za-z0-9_.-]+; Max-Age=600; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/);

    // The callback: a same-site page on to the UI, the Strict session cookie, the flow cookie spent.
    expect(s.callback.status).toBe(200);
    expect(s.callback.headers.get('content-type')).toMatch(/^text\/html/);
    expect(s.body).toContain('<meta http-equiv="refresh" content="0;url=/">');
    expect(s.sessionCookie).toMatch(/^sohoa_session=[A-Za-z0-9_-]{43}; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Strict$/);
    expect(s.callback.headers.getSetCookie().find((c) => c.startsWith('sohoa_oidc='))).toMatch(/^sohoa_oidc=; Path=\/; Expires=Thu, 01 Jan 1970/);

    const me = await withSession(s.sessionCookie!, '/session');
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      kind: 'person', admin: false, person: { username: 'an.clerk', displayName: 'Nguyễn Văn An', unit: A.code }, roles: [{ role: 'clerk', unit: A.code }],
    });
    const { rows } = await stack.runtime.db.query(
      'SELECT u.oidc_subject, u.password_hash, s.via FROM users u JOIN sessions s ON s.user_id = u.id WHERE u.username = $1', ['an.clerk']);
    expect(rows).toEqual([{ oidc_subject: `${issuer} an-001`, password_hash: null, via: 'oidc' }]);

    // Ward A's record and dossier, and nothing of ward B (404, as for what does not exist).
    const statuses = async (f: UnitFixture) => [(await withSession(s.sessionCookie!, `/records/${f.recordId}`)).status, (await withSession(s.sessionCookie!, `/dossiers/${f.dossierCode}`)).status];
    expect({ A: await statuses(A), B: await statuses(B) }).toEqual({ A: [200, 200], B: [404, 404] });
  });

  it('gives the person exactly the roles the claims carry at each sign-in: a role removed at the provider is gone', async () => {
    accounts.set('binh-002', { preferred_username: 'binh', name: 'Trần Thị Bình', sohoa_unit: A.code, sohoa_roles: ['clerk', 'archivist'] });
    const first = await signIn('binh-002');
    const firstMe = await (await withSession(first.sessionCookie!, '/session')).json();
    expect(firstMe.roles).toEqual(expect.arrayContaining([{ role: 'clerk', unit: A.code }, { role: 'archivist', unit: A.code }]));
    expect(firstMe.roles).toHaveLength(2);

    accounts.set('binh-002', { ...accounts.get('binh-002'), sohoa_roles: ['archivist'] });
    const second = await signIn('binh-002');
    const secondMe = await (await withSession(second.sessionCookie!, '/session')).json();
    expect(secondMe.person.id).toBe(firstMe.person.id); // the same person, found by the identity's subject
    expect(secondMe.roles).toEqual([{ role: 'archivist', unit: A.code }]);
    // The roles are the person's, not the session's: the first session has lost the clerk's role too.
    expect((await (await withSession(first.sessionCookie!, '/session')).json()).roles).toEqual([{ role: 'archivist', unit: A.code }]);
    expect(await count(`SELECT count(*) AS n FROM audit_events WHERE action = 'user.role-revoked' AND subject_id = $1`, [firstMe.person.id])).toBe(1);
  });

  it('refuses a claim naming a unit or a role sohoa does not know: 403, no session, nobody created', async () => {
    const before = await sessionsCount();
    accounts.set('cuong-003', { preferred_username: 'cuong', sohoa_unit: '999.99.99.X99', sohoa_roles: ['clerk'] });
    accounts.set('dung-004', { preferred_username: 'dung', sohoa_unit: A.code, sohoa_roles: ['clerk', 'superuser'] });
    for (const [sub, code] of [['cuong-003', 'unknown-unit'], ['dung-004', 'unknown-role']]) {
      const s = await signIn(sub);
      expect([s.callback.status, JSON.parse(s.body).error.code], sub).toEqual([403, code]);
      expect(s.sessionCookie).toBeNull();
    }
    expect(await sessionsCount()).toBe(before);
    expect(await count('SELECT count(*) AS n FROM users WHERE username IN ($1, $2) OR oidc_subject IN ($3, $4)', ['cuong', 'dung', `${issuer} cuong-003`, `${issuer} dung-004`])).toBe(0);
  });

  it('refuses an identity whose username is a local person\'s: a provider account called admin does not become the admin', async () => {
    const before = await sessionsCount();
    accounts.set('evil-005', { preferred_username: 'admin', sohoa_unit: A.code, sohoa_roles: ['clerk'] });
    const s = await signIn('evil-005');
    expect([s.callback.status, JSON.parse(s.body).error.code]).toEqual([403, 'username-taken']);
    expect(s.sessionCookie).toBeNull();
    expect(await sessionsCount()).toBe(before);
    // The local admin keeps its password sign-in and its role, unlinked.
    expect(await count(`SELECT count(*) AS n FROM users u JOIN user_roles r ON r.user_id = u.id WHERE u.username = 'admin' AND r.role = 'admin' AND u.oidc_subject IS NULL`, [])).toBe(1);
  });

  it('refuses a tampered state, a nonce that is not the one sent, a code without its PKCE verifier, an altered or missing flow cookie', async () => {
    accounts.set('em-005', { preferred_username: 'em.test', sohoa_unit: A.code, sohoa_roles: ['clerk'] });
    const before = await sessionsCount();
    const attacks: Record<string, Parameters<typeof signIn>[1]> = {
      'a tampered state': { callback: (url) => url.searchParams.set('state', `${url.searchParams.get('state')}x`) },
      'another nonce in the ID token': { authorization: (url) => url.searchParams.set('nonce', 'a-nonce-the-attacker-chose') },
      'another PKCE challenge': { authorization: (url) => url.searchParams.set('code_challenge', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM') },
      'an altered flow cookie': { browser: (b) => b.cookies.set('sohoa_oidc', `${b.cookies.get('sohoa_oidc')!.slice(0, -2)}AA`) },
      'no flow cookie (another browser)': { browser: (b) => b.cookies.delete('sohoa_oidc') },
    };
    const answers: Record<string, unknown> = {};
    for (const [attack, tamper] of Object.entries(attacks)) {
      const s = await signIn('em-005', tamper);
      answers[attack] = [s.callback.status, JSON.parse(s.body).error.code, s.sessionCookie];
      if (attack.includes('nonce')) expect(JSON.parse(s.body).error.message).toMatch(/nonce/);
    }
    expect(answers).toEqual(Object.fromEntries(Object.keys(attacks).map((a) => [a, [403, 'oidc-refused', null]])));
    expect(await sessionsCount()).toBe(before);
    // Untampered, the same person signs in: the refusals above came from the checks, not from the account.
    expect((await signIn('em-005')).sessionCookie).not.toBeNull();
  });

  it('starts for a script that asks for JSON; answers 404 on an app without the settings', async () => {
    const json = await new Browser().go(`${stack.url}/api/v1/session/oidc`, { accept: 'application/json' });
    expect(json.status).toBe(200);
    expect(new URL((await json.json()).authorizationUrl).origin).toBe(issuer);
    expect(json.headers.getSetCookie()[0]).toMatch(/^sohoa_oidc=.+; HttpOnly; SameSite=Lax$/);

    const { db, store, queue, config } = stack.runtime;
    const plain = createApp({ db, store, queue, log: createLogger('warn'), maxUploadBytes: 1, spoolDir: config.spoolDir });
    const server = plain.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/session/oidc`;
      for (const route of [base, `${base}/callback?code=x&state=y`]) {
        const answer = await fetch(route, { redirect: 'manual' });
        expect([answer.status, (await answer.json()).error.code], route).toEqual([404, 'not-found']);
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
