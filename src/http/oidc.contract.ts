/** Sign-in through the central sign-on (oidc.routes.ts): public routes, 404 when OIDC_* are not set. */
import { z } from 'zod';
import { route } from './openapi/contract.ts';

const param = (description: string) => z.string().max(4096).optional().meta({ description });

/** The provider's answer, as it sends it (RFC 6749 §4.1.2, RFC 9207 `iss`); other parameters are passed on as they are. */
export const OidcCallbackQuery = z.looseObject({
  code: param('the authorization code'),
  state: param('the state this server sent, echoed'),
  iss: param('the issuer that answers (RFC 9207)'),
  error: param('why the provider did not sign the person in (`access_denied`, …)'),
  error_description: param('the same, in words'),
});

export const OidcStart = z.strictObject({
  authorizationUrl: z.string().meta({ description: 'where to send the browser (set `window.location` to it)' }),
}).meta({ id: 'OidcStart', description: 'A sign-in at the central sign-on, started for a UI that asked with `Accept: application/json`.' });

export const oidcContract = [
  route({
    method: 'get', path: '/api/v1/session/oidc', tag: 'oidc', access: 'public',
    summary: 'Start a sign-in at the central sign-on (OpenID Connect): a redirect to the provider',
    description: 'Sets a short-lived flow cookie (HttpOnly, SameSite=Lax, signed) holding the state, nonce and PKCE verifier the callback checks. '
      + 'A browser following a link gets the redirect; a script asking with `Accept: application/json` gets the URL to go to.',
    responses: {
      200: { description: 'asked with `Accept: application/json`: the provider\'s authorization URL', json: OidcStart, headers: { 'Set-Cookie': 'the flow cookie' } },
      302: { description: 'to the provider\'s authorization endpoint', media: 'text/plain', headers: { Location: 'the provider\'s authorization URL', 'Set-Cookie': 'the flow cookie' } },
    },
    errors: { 404: '`not-found`: OpenID Connect is not configured', 503: '`oidc-unavailable`: the provider does not answer' },
  }),
  route({
    method: 'get', path: '/api/v1/session/oidc/callback', tag: 'oidc', access: 'public', query: OidcCallbackQuery,
    summary: 'Where the provider sends the browser back: the person is signed in from the claims',
    description: 'The code is exchanged (PKCE), the ID token checked (signature, issuer, audience, nonce) and the state compared with the flow cookie\'s. '
      + 'The person is linked or created, holds exactly the roles the roles claim carries at the unit the unit claim names, and gets the session cookie. '
      + 'The answer is a page that goes on to the UI: the SameSite=Strict session cookie is sent from that same-site navigation on.',
    responses: { 200: { description: 'signed in: a page that goes on to the UI', media: 'text/html', headers: { 'Set-Cookie': 'the session cookie' } } },
    errors: {
      403: '`oidc-refused` (no or an altered flow cookie, another state, a wrong nonce, a refused code or an error answer of the provider), '
        + '`oidc-claims` (no username, a malformed claim), `unknown-unit`, `unknown-role`, `account-disabled`',
      404: '`not-found`: OpenID Connect is not configured',
      422: '`invalid-input`: a parameter given twice',
      503: '`oidc-unavailable`: the provider does not answer',
    },
  }),
];
