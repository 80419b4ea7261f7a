import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('OpenID Connect settings', () => {
  const on = {
    OIDC_ISSUER: 'https://sso.example.gov.vn/realms/tinh', OIDC_CLIENT_ID: 'sohoa', OIDC_CLIENT_SECRET: 's3cret',
    OIDC_REDIRECT_URL: 'https://sohoa.example.gov.vn/api/v1/session/oidc/callback',
  };

  it('are off without them, on with all of them (defaults for scopes and claim names)', () => {
    expect(loadConfig({}).oidc).toBeNull();
    expect(loadConfig(on).oidc).toEqual({
      issuer: on.OIDC_ISSUER, clientId: 'sohoa', clientSecret: 's3cret', redirectUrl: on.OIDC_REDIRECT_URL, scopes: 'openid profile email',
      claims: { unit: 'sohoa_unit', roles: 'sohoa_roles', username: 'preferred_username' },
    });
    expect(loadConfig({ ...on, OIDC_REDIRECT_URL: 'https://gw.example.gov.vn/sohoa/api/v1/session/oidc/callback' }).oidc?.redirectUrl).toContain('/sohoa/');
  });

  it('refuse half a configuration, plain http to another machine, a wrong callback path, scopes without openid', () => {
    expect(() => loadConfig({ ...on, OIDC_CLIENT_SECRET: undefined })).toThrow(/all of OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET/);
    expect(() => loadConfig({ ...on, OIDC_REDIRECT_URL: undefined })).toThrow(/OIDC_REDIRECT_URL is required/);
    expect(() => loadConfig({ ...on, OIDC_ISSUER: 'http://sso.example.gov.vn' })).toThrow(/OIDC_ISSUER: an https URL/);
    expect(loadConfig({ ...on, OIDC_ISSUER: 'http://127.0.0.1:4000' }).oidc?.issuer).toBe('http://127.0.0.1:4000');
    expect(() => loadConfig({ ...on, OIDC_REDIRECT_URL: 'https://sohoa.example.gov.vn/callback' })).toThrow(/must end with \/api\/v1\/session\/oidc\/callback/);
    expect(() => loadConfig({ ...on, OIDC_SCOPES: 'profile email' })).toThrow(/must include openid/);
  });
});
