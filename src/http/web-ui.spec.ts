import fs from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_CSP, webUi } from './web-ui.ts';

/** The middleware on its own, over a real socket: a built folder and a missing one. */
describe('the web UI files', () => {
  let dir: string;
  let built: string;
  let missing: string;
  const servers: import('node:http').Server[] = [];
  const serve = async (webDir: string) => {
    const app = express();
    app.use(webUi(webDir));
    app.use((_req, res) => void res.status(404).json({ error: { code: 'not-found' } }));
    const server = app.listen(0, '127.0.0.1');
    servers.push(server);
    await new Promise((r) => server.once('listening', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'web-ui-'));
    await fs.mkdir(path.join(dir, 'assets'));
    await fs.writeFile(path.join(dir, 'index.html'), '<!doctype html><title>app</title>');
    await fs.writeFile(path.join(dir, 'assets', 'index-abc.js'), 'export {};');
    built = await serve(dir);
    missing = await serve(path.join(dir, 'not-there'));
  });
  afterAll(async () => {
    for (const s of servers) s.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('serves the app at / and at its page paths, with the CSP; hashed assets cached for good', async () => {
    for (const page of ['/', '/upload', '/today/x']) {
      const r = await fetch(built + page);
      expect(r.status, page).toBe(200);
      expect(await r.text()).toContain('<title>app</title>');
      expect(r.headers.get('content-security-policy')).toBe(WEB_CSP);
      expect(r.headers.get('cache-control')).toBe('no-cache');
    }
    const asset = await fetch(`${built}/assets/index-abc.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toMatch(/immutable/);
    expect(WEB_CSP).toMatch(/script-src 'self';/);
    expect(WEB_CSP).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
  });

  it('leaves /api, health, writes and missing files to the rest of the app', async () => {
    for (const p of ['/api/v1/batches', '/api', '/healthz', '/readyz', '/assets/missing.js']) {
      const r = await fetch(built + p);
      expect(r.status, p).toBe(404);
      expect(await r.json()).toEqual({ error: { code: 'not-found' } });
    }
    expect((await fetch(`${built}/upload`, { method: 'POST' })).status).toBe(404);
  });

  it('says the UI is not built at / when it is not, and nothing else changes', async () => {
    const r = await fetch(`${missing}/`);
    expect(r.status).toBe(503);
    expect(await r.text()).toMatch(/not built[\s\S]*npm install/);
    expect((await fetch(`${missing}/upload`)).status).toBe(404);
  });
});
