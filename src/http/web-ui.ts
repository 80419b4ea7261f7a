/**
 * The web UI (services/web): its built files served at `/`, and index.html for every other page path the
 * single-page app routes itself (/today, /upload, …). Plain middleware, no routes: these are public files, like the
 * docs page's; everything the UI shows comes from /api/v1 with the signed-in session. /api, /healthz and /readyz are
 * never answered here. When the UI has not been built (services/web/dist missing) `/` says so instead.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';

/** Where `npm install` (the root `prepare` script) builds it. */
export const WEB_DIST = fileURLToPath(new URL('../../services/web/dist', import.meta.url));

/**
 * Everything from here: the bundle's scripts and styles are files (no inline script). pdf.js runs its worker from the
 * bundle's own file (services/web/src/components/pdf-view.ts), so `worker-src 'self'` is all it needs: no blob: (pdf.js
 * wraps a worker in a blob only when the worker is on another origin), no eval and no wasm (turned off there).
 */
export const WEB_CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: blob:", "connect-src 'self'",
  "font-src 'self'", "worker-src 'self'", "manifest-src 'self'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');

const NOT_BUILT = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>sohoa</title></head><body>
<h1>Giao diện web chưa được dựng / The web UI is not built</h1>
<p>Chạy / run: <code>npm install</code> (or <code>npm run build -w @sohoa/web</code>), then restart the server. The API is at /api/v1, its docs at /api/docs.</p>
</body></html>
`;

const isApiPath = (p: string) => p === '/api' || p.startsWith('/api/') || p === '/healthz' || p === '/readyz';

export function webUi(dir: string = WEB_DIST): express.RequestHandler {
  const index = path.join(dir, 'index.html');
  const files = express.static(dir, {
    index: false, fallthrough: true, redirect: false,
    setHeaders: (res, file) => {
      res.setHeader('Content-Security-Policy', WEB_CSP);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      // Vite names every asset by its content hash: cached for good; anything else is checked each time.
      res.setHeader('Cache-Control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  return (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isApiPath(req.path)) return next();
    const built = existsSync(index); // checked each time: a build after the start is picked up
    if (!built) {
      if (req.path !== '/') return next();
      return void res.status(503).set({ 'Content-Security-Policy': "default-src 'none'", 'Cache-Control': 'no-store' }).type('html').send(NOT_BUILT);
    }
    files(req, res, () => {
      // A page path of the app (no file extension): the app itself. A missing file (/assets/x.js) stays a 404.
      if (path.extname(req.path) !== '') return next();
      res.set({ 'Content-Security-Policy': WEB_CSP, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'same-origin' });
      res.sendFile(index, (err) => err && next(err));
    });
  };
}
