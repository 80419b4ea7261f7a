import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contracts } from '../src/http/contracts.ts';
import { API_CSP } from '../src/http/security-headers.ts';
import { WEB_CSP } from '../src/http/web-ui.ts';
import { startTestStack, type TestStack } from './helpers/stack.ts';

/**
 * Issue 13's hardening at the HTTP edge, against the running server: safe headers on every answer, no-store on the
 * API, HSTS only over TLS (a proxy's X-Forwarded-Proto believed through TRUST_PROXY), a size limit on every body,
 * and certificate files named on the server only under SECRETS_DIR.
 */
describe('security hardening at the HTTP edge', () => {
  let stack: TestStack;
  let outside: string;

  beforeAll(async () => {
    stack = await startTestStack({ TRUST_PROXY: 'loopback' }, { workers: false });
    outside = await fs.mkdtemp(path.join(os.tmpdir(), 'sohoa-outside-'));
  });
  afterAll(async () => {
    await stack?.stop();
    if (outside) await fs.rm(outside, { recursive: true, force: true });
  });

  const call = (route: string, init: RequestInit = {}) => fetch(`${stack.url}${route}`, { ...init, headers: { authorization: `Bearer ${stack.token}`, ...(init.headers ?? {}) } });

  it('sends nosniff, a CSP and no-store on API answers, records and people included, errors too', async () => {
    for (const route of ['/api/v1/records', '/api/v1/session', `/api/v1/records/${randomUUID()}`, '/api/v1/units/000.00.00.H00/certificates']) {
      const r = await call(route);
      expect(r.headers.get('x-content-type-options'), route).toBe('nosniff');
      expect(r.headers.get('cache-control'), route).toBe('no-store');
      expect(r.headers.get('content-security-policy'), route).toBe(API_CSP);
      expect(r.headers.get('x-frame-options'), route).toBe('SAMEORIGIN');
      expect(r.headers.get('x-powered-by'), route).toBeNull();
    }
    const health = await fetch(`${stack.url}/healthz`);
    expect(health.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it("keeps the web UI's own CSP, and its caching", async () => {
    const page = await fetch(`${stack.url}/today`);
    expect(page.headers.get('content-security-policy')).toBe(WEB_CSP);
    expect(page.headers.get('cache-control')).not.toBe('no-store');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('sends HSTS only when the request came over TLS', async () => {
    expect((await call('/api/v1/records')).headers.get('strict-transport-security')).toBeNull();
    const viaProxy = await call('/api/v1/records', { headers: { 'x-forwarded-proto': 'https' } });
    expect(viaProxy.headers.get('strict-transport-security')).toBe('max-age=15552000; includeSubDomains');
  });

  it('refuses a body over its limit on every route that takes JSON, and too many fields on every multipart route', async () => {
    const fill = (p: string) => p.replace(/:code\b/g, '000.00.00.H00').replace(/:(\w+)/g, () => randomUUID());
    const huge = JSON.stringify({ filler: 'x'.repeat(6 * 1024 * 1024) });
    const withJson = contracts.filter((c) => c.body?.json);
    expect(withJson.length).toBeGreaterThan(20);
    for (const c of withJson) {
      const r = await call(fill(c.path).replace('/api/v1', '/api/v1'), { method: c.method.toUpperCase(), body: huge, headers: { 'content-type': 'application/json' } });
      expect(r.status, `${c.method} ${c.path}`).toBe(413);
      expect((await r.json()).error.code).toBe('too-large');
    }
    for (const c of contracts.filter((k) => k.body?.multipart)) {
      const form = new FormData();
      for (let i = 0; i < 60; i++) form.append(`field${i}`, 'x');
      const r = await call(fill(c.path), { method: c.method.toUpperCase(), body: form });
      expect([400, 413], `${c.method} ${c.path}`).toContain(r.status);
      expect((await r.json()).error.code, `${c.method} ${c.path}`).toMatch(/^limit-/);
    }
  });

  it('reads certificate files only under SECRETS_DIR, symbolic links followed, with one answer whether the file exists or not', async () => {
    const pki = path.join(stack.dataDir, 'pki');
    await fs.writeFile(path.join(outside, 'unit.p12'), 'not really');
    await fs.symlink(path.join(outside, 'unit.p12'), path.join(pki, 'link.p12'));
    const attempts = [
      { p12Path: '/etc/passwd', passwordEnv: 'P' },
      { p12Path: path.join(outside, 'unit.p12'), passwordEnv: 'P' },
      { p12Path: path.join(outside, 'no-such.p12'), passwordEnv: 'P' },
      { p12Path: '../../../../etc/passwd', passwordEnv: 'P' },
      { p12Path: path.join(pki, 'link.p12'), passwordEnv: 'P' },
      { p12Path: path.join(pki, '000.00.00.H00.p12'), passwordFile: '/etc/hostname' },
      { p12Path: path.join(pki, '000.00.00.H00.p12'), passwordFile: path.join(pki, '000.00.00.H00.password'), sealPath: '/etc/hostname' },
    ];
    const messages = new Set<string>();
    for (const body of attempts) {
      const r = await call('/api/v1/units/000.00.00.H00/certificates', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
      const answer = await r.json();
      expect([r.status, answer.error.code], JSON.stringify(body)).toEqual([422, 'path-not-allowed']);
      messages.add(answer.error.message.replace(/^\w+: /, ''));
    }
    expect([...messages]).toEqual(["only files in the server's secrets folder (SECRETS_DIR) can be named"]);
  });
});
