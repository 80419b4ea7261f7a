/**
 * Sign-in through the province's central sign-on (OpenID Connect), when OIDC_ISSUER, OIDC_CLIENT_ID and
 * OIDC_CLIENT_SECRET are set; otherwise both routes answer 404:
 *   GET /session/oidc            → 302 to the provider (200 {authorizationUrl} when asked for JSON), with a
 *                                short-lived flow cookie (state, nonce, PKCE verifier)
 *   GET /session/oidc/callback   the provider sends the browser back here: the code is exchanged, the ID token
 *                                checked, the person provisioned from the claims (unit, roles) and signed in; the
 *                                answer is a small page that goes on to the UI
 * Mounted before the authentication of the rest of /api/v1, as session.routes.ts is.
 */
import express, { type Request, type Response } from 'express';
import { AppError, OIDC_CALLBACK_PATH, parseInput, type Db, type OidcSettings } from '@sohoa/shared';
import { oidcClient, signIn, type OidcClient } from '../accounts/index.ts';
import { readCookie } from './auth.ts';
import { OidcCallbackQuery } from './oidc.contract.ts';
import { FLOW_SECONDS, flowKey, openFlow, sealFlow } from './oidc-flow-cookie.ts';
import { setSessionCookie } from './session.routes.ts';

/**
 * The flow cookie: SameSite=Lax, because the provider's redirect back is a cross-site navigation that a Strict
 * cookie would miss; `__Host-` over TLS, as the session cookie.
 */
const FLOW_COOKIE = 'sohoa_oidc';
const SECURE_FLOW_COOKIE = '__Host-sohoa_oidc';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The callback's answer. The session cookie is SameSite=Strict, and a browser does not send it on a navigation that
 * came through the provider's cross-site redirect; this page's own navigation to the UI is same-site, so the UI's
 * first request carries the cookie. No script: a meta refresh and a link.
 */
export function landingPage(target: string): string {
  const to = escapeHtml(target);
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${to}"><title>sohoa</title></head>`
    + `<body><p><a href="${to}">Tiếp tục / Continue</a></p></body></html>`;
}

export function oidcRoutes(deps: { db: Db; oidc?: OidcSettings | null }): express.Router {
  const r = express.Router();
  const settings = deps.oidc ?? null;
  const client: OidcClient | null = settings ? oidcClient(settings) : null;
  const key = settings ? flowKey(settings.clientSecret) : null;
  // The UI is at the root of the site the callback is on (a proxy's path prefix included).
  const home = settings ? `${new URL(settings.redirectUrl).pathname.slice(0, -OIDC_CALLBACK_PATH.length)}/` : '/';

  const configured = () => {
    if (!settings || !client || !key) throw new AppError('not-found', 'sign-in with OpenID Connect is not configured here', 404);
    return { settings, client, key };
  };
  const flowCookie = (req: Request) => (req.secure ? SECURE_FLOW_COOKIE : FLOW_COOKIE);
  const clearFlowCookie = (req: Request, res: Response) => res.clearCookie(flowCookie(req), { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' });

  r.get('/session/oidc', async (req, res) => {
    const { client, key } = configured();
    const { authorizationUrl, flow } = await client.begin();
    res.cookie(flowCookie(req), sealFlow(key, flow), { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/', maxAge: FLOW_SECONDS * 1000 });
    res.set('Cache-Control', 'no-store');
    // A link or a typed address is redirected; a UI's script that asks for JSON goes there itself.
    if (req.accepts(['html', 'json']) === 'json') res.json({ authorizationUrl: authorizationUrl.href });
    else res.redirect(302, authorizationUrl.href);
  });

  r.get('/session/oidc/callback', async (req, res) => {
    const { settings, client, key } = configured();
    parseInput(OidcCallbackQuery, { ...req.query }); // each parameter once; the client reads them from the URL itself
    res.set('Cache-Control', 'no-store');
    const flow = openFlow(key, readCookie(req, SECURE_FLOW_COOKIE) ?? readCookie(req, FLOW_COOKIE));
    clearFlowCookie(req, res); // one use, whatever the outcome
    if ('refused' in flow) throw new AppError('oidc-refused', flow.refused, 403);
    // The URL the provider answered to is the registered one: taken from the settings, never from the Host header.
    const callbackUrl = new URL(settings.redirectUrl);
    const query = req.originalUrl.indexOf('?');
    callbackUrl.search = query >= 0 ? req.originalUrl.slice(query) : '';
    const identity = await client.finish(callbackUrl, flow);
    const session = await signIn.signInVerifiedIdentity(deps.db, identity, req.ip);
    setSessionCookie(req, res, session);
    res.set({ 'Content-Security-Policy': "default-src 'none'", 'Referrer-Policy': 'no-referrer' }).type('html').send(landingPage(home));
  });
  return r;
}
