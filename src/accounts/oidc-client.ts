/**
 * The OpenID Connect client (openid-client, authorization code flow with PKCE, state and nonce): the one place that
 * talks to the province's sign-on provider. It discovers the provider once (retried after a failure), builds the
 * authorization URL of a new sign-in, and on the browser's return exchanges the code, has the ID token checked
 * (signature, issuer, audience, expiry, nonce) and returns the claims as an identity (oidc-claims.ts).
 */
import * as client from 'openid-client';
import { AppError, type OidcSettings } from '@sohoa/shared';
import { claimValue, identityFromClaims, type Claims } from './oidc-claims.ts';
import type { VerifiedIdentity } from './sign-in.ts';

/** What the callback must check the provider's answer against (kept in the browser's flow cookie meanwhile). */
export interface SignInFlow { state: string; nonce: string; codeVerifier: string }

export interface OidcClient {
  /** A new sign-in: where to send the browser, and what to remember until it returns. */
  begin(): Promise<{ authorizationUrl: URL; flow: SignInFlow }>;
  /**
   * The provider's answer (the callback URL as the browser reached it) → the identity it vouches for; 403
   * `oidc-refused` when the answer does not hold (another state, a wrong nonce, a refused code, an error answer).
   */
  finish(callbackUrl: URL, flow: SignInFlow): Promise<VerifiedIdentity>;
}

/** Seconds to wait for the provider's discovery, token and userinfo endpoints. */
const PROVIDER_TIMEOUT_SECONDS = 10;

const unavailable = (err: unknown) =>
  new AppError('oidc-unavailable', `the sign-on provider does not answer: ${err instanceof Error ? err.message : String(err)}`, 503);

/** The provider's refusal, or the client's, in words (openid-client's message names the check; its cause the detail). */
function refusal(err: unknown): AppError {
  if (err instanceof client.AuthorizationResponseError) return new AppError('oidc-refused', `the sign-on provider refused: ${err.error}${err.error_description ? ` (${err.error_description})` : ''}`, 403);
  if (err instanceof client.ResponseBodyError) return new AppError('oidc-refused', `the sign-on provider refused the code: ${err.error}${err.error_description ? ` (${err.error_description})` : ''}`, 403);
  if (err instanceof TypeError) return unavailable(err); // fetch's network failure
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return new AppError('oidc-refused', `the sign-on's answer does not hold: ${err instanceof Error ? err.message : String(err)}${cause}`, 403);
}

export function oidcClient(settings: OidcSettings): OidcClient {
  let discovered: Promise<client.Configuration> | null = null;
  const configuration = () => {
    discovered ??= (async () => {
      const issuer = new URL(settings.issuer);
      // http is accepted only for a provider on this machine (config.ts refuses it for any other host).
      const execute = issuer.protocol === 'http:' ? [client.allowInsecureRequests] : [];
      const config = await client.discovery(issuer, settings.clientId, settings.clientSecret, client.ClientSecretBasic(settings.clientSecret), { execute, timeout: PROVIDER_TIMEOUT_SECONDS });
      config.timeout = PROVIDER_TIMEOUT_SECONDS;
      return config;
    })().catch((err: unknown) => {
      discovered = null; // the next sign-in asks again
      throw unavailable(err);
    });
    return discovered;
  };

  return {
    async begin() {
      const config = await configuration();
      const flow: SignInFlow = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier() };
      const authorizationUrl = client.buildAuthorizationUrl(config, {
        redirect_uri: settings.redirectUrl,
        scope: settings.scopes,
        state: flow.state,
        nonce: flow.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(flow.codeVerifier),
        code_challenge_method: 'S256',
      });
      return { authorizationUrl, flow };
    },

    async finish(callbackUrl, flow) {
      const config = await configuration();
      let claims: Claims;
      try {
        const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: flow.codeVerifier, expectedState: flow.state, expectedNonce: flow.nonce, idTokenExpected: true,
        });
        const idToken = tokens.claims()!;
        claims = { ...idToken };
        // Many providers put only the subject in the ID token and the rest in the userinfo answer (openid-client
        // checks its `sub` is the ID token's). The ID token's own claims win.
        const missing = [settings.claims.username, settings.claims.unit, settings.claims.roles].some((name) => claimValue(claims, name) === undefined);
        if (missing && config.serverMetadata().userinfo_endpoint) {
          claims = { ...(await client.fetchUserInfo(config, tokens.access_token, idToken.sub)), ...idToken };
        }
      } catch (err) {
        throw refusal(err);
      }
      return identityFromClaims(config.serverMetadata().issuer, claims, settings.claims);
    },
  };
}
