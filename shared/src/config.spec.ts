import path from 'node:path';
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

describe('settings the README gives defaults for', () => {
  it('default to what the README says: soft-fail off, revocation fetched, review below 80, uploads up to 200 MiB, workers on', () => {
    const config = loadConfig({});
    expect(config.signing.revocationSoftFail).toBe(false); // an unknown revocation status is not valid unless asked
    expect(config.signing.fetchRevocation).toBe(true);
    expect(config.ocr.reviewConfidence).toBe(80);
    expect(config.limits.maxUploadBytes).toBe(200 * 1024 * 1024);
    expect(config.runWorkers).toBe(true);
  });

  it('take on/off and numbers from the environment, and refuse anything else', () => {
    const config = loadConfig({ REVOCATION_SOFT_FAIL: 'on', REVOCATION_FETCH: 'off', OCR_REVIEW_CONFIDENCE: '65', MAX_UPLOAD_BYTES: '1000', SOHOA_WORKERS: 'off' });
    expect([config.signing.revocationSoftFail, config.signing.fetchRevocation, config.ocr.reviewConfidence, config.limits.maxUploadBytes, config.runWorkers]).toEqual([true, false, 65, 1000, false]);
    expect(() => loadConfig({ REVOCATION_SOFT_FAIL: 'yes' })).toThrow(/REVOCATION_SOFT_FAIL/);
    expect(() => loadConfig({ SOHOA_WORKERS: 'true' })).toThrow(/SOHOA_WORKERS/);
    expect(() => loadConfig({ MAX_UPLOAD_BYTES: '0' })).toThrow(/MAX_UPLOAD_BYTES/);
    expect(() => loadConfig({ OCR_REVIEW_CONFIDENCE: '101' })).toThrow(/OCR_REVIEW_CONFIDENCE/);
  });

  it('lower the OCR threads to nice 10 unless told otherwise; 0 turns it off; only 0 to 19', () => {
    expect(loadConfig({}).ocr.threadNice).toBe(10);
    expect(loadConfig({ OCR_THREAD_NICE: '0' }).ocr.threadNice).toBe(0);
    expect(loadConfig({ OCR_THREAD_NICE: '19' }).ocr.threadNice).toBe(19);
    for (const bad of ['-1', '20', '2.5', 'low']) expect(() => loadConfig({ OCR_THREAD_NICE: bad })).toThrow(/OCR_THREAD_NICE/);
  });

  it('hold the page threads to one page at a time from 300 MB per OCR worker, unless told otherwise; 0 turns it off', () => {
    expect(loadConfig({ OCR_WORKERS: '2' }).ocr.pageMemoryMb).toBe(600);
    expect(loadConfig({ OCR_WORKERS: '8' }).ocr.pageMemoryMb).toBe(2400); // a bigger replica is not held at the small one's bound
    expect(loadConfig({ OCR_WORKERS: '8', OCR_PAGE_MEMORY_MB: '0' }).ocr.pageMemoryMb).toBe(0);
    expect(loadConfig({ OCR_PAGE_MEMORY_MB: '700' }).ocr.pageMemoryMb).toBe(700);
    expect(() => loadConfig({ OCR_PAGE_MEMORY_MB: '-1' })).toThrow(/OCR_PAGE_MEMORY_MB/);
  });

  it('give the clerk ten seconds to take a confirmation back, unless told otherwise', () => {
    expect(loadConfig({}).review.undoSeconds).toBe(10);
    expect(loadConfig({ REVIEW_UNDO_SECONDS: '0' }).review.undoSeconds).toBe(0);
    expect(() => loadConfig({ REVIEW_UNDO_SECONDS: '-1' })).toThrow(/REVIEW_UNDO_SECONDS/);
  });

  it('believe a checked bearer for 5 s and keep 20 database connections, unless told otherwise', () => {
    expect([loadConfig({}).auth.cacheSeconds, loadConfig({}).dbPoolSize]).toEqual([5, 20]);
    expect([loadConfig({ AUTH_CACHE_SECONDS: '0' }).auth.cacheSeconds, loadConfig({ DB_POOL_SIZE: '50' }).dbPoolSize]).toEqual([0, 50]);
    expect(() => loadConfig({ AUTH_CACHE_SECONDS: '3600' })).toThrow(/AUTH_CACHE_SECONDS/);
    expect(() => loadConfig({ DB_POOL_SIZE: '1' })).toThrow(/DB_POOL_SIZE/);
  });

  it('default the hardening settings to what the README says: no private fetches, 5 s, 10 MiB, 3 redirects, secrets under data/pki', () => {
    const config = loadConfig({ DATA_DIR: '/srv/sohoa' });
    expect(config.signing.outbound).toEqual({ timeoutMs: 5000, maxBytes: 10 * 1024 * 1024, maxRedirects: 3, allowPrivate: false });
    expect(config.signing.secretsDir).toBe(path.resolve('/srv/sohoa/pki'));
    expect(config.limits.maxFilePixels).toBe(600_000_000);
    expect(config.limits.maxPagePixels).toBe(100_000_000);
    expect(config.hstsMaxAgeSeconds).toBe(180 * 24 * 3600);
    const set = loadConfig({ OUTBOUND_ALLOW_PRIVATE: 'on', OUTBOUND_TIMEOUT_MS: '800', OUTBOUND_MAX_BYTES: '4096', OUTBOUND_MAX_REDIRECTS: '0', SECRETS_DIR: '/run/secrets', HSTS_MAX_AGE_SECONDS: '0' });
    expect([set.signing.outbound, set.signing.secretsDir, set.hstsMaxAgeSeconds]).toEqual([{ timeoutMs: 800, maxBytes: 4096, maxRedirects: 0, allowPrivate: true }, '/run/secrets', 0]);
    expect(() => loadConfig({ OUTBOUND_ALLOW_PRIVATE: 'yes' })).toThrow(/OUTBOUND_ALLOW_PRIVATE/);
    expect(() => loadConfig({ OUTBOUND_MAX_REDIRECTS: '50' })).toThrow(/OUTBOUND_MAX_REDIRECTS/);
  });
});
