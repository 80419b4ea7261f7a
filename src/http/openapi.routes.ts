/**
 * The API describing itself:
 *   GET /api/v1/openapi.json   the OpenAPI 3.1 document, made from the route contracts (contracts.ts)
 *   GET /api/docs              the same, readable: Swagger UI from the swagger-ui-dist package, served from here
 *
 * Both are public, like the health checks. They describe shapes, never data: every route they list still asks for
 * a key or a session, and knowing a route's name gives nothing a 401 does not already say. Public, the docs page
 * loads before anyone has signed in, and other systems' developers can generate a client without a key.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import express from 'express';
import { AppError } from '@sohoa/shared';
import { contracts, tags } from './contracts.ts';
import { openApiDocument } from './openapi/document.ts';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const DESCRIPTION = [
  'Digitized one-stop counter dossiers: batches of scans in, signed and retained records out.',
  'Every route under /api/v1 (but this document) needs an API key or token (`Authorization: Bearer …`) or a signed-in',
  'session; a state-changing request with a session also sends `X-CSRF-Token`. Another unit\'s object answers 404.',
  'Every error answers `{"error": {"code", "message", "fields"?}}`: `code` is stable, `fields` names each refused field of a 400/422.',
].join(' ');

let document: Record<string, unknown> | null = null;
/** Made once, on first request: the contracts do not change while the process runs. */
export const apiDocument = () => (document ??= openApiDocument(contracts, { version, description: DESCRIPTION, tags }));

/** The page and its files; nothing is fetched from anywhere else (the CSP says so to the browser too). */
const swaggerUiDir = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const ASSETS: Record<string, string> = {
  'swagger-ui-bundle.js': path.join(swaggerUiDir, 'swagger-ui-bundle.js'),
  'swagger-ui.css': path.join(swaggerUiDir, 'swagger-ui.css'),
};

export const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sohoa API</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css">
</head>
<body>
<div id="docs"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/docs.js"></script>
</body>
</html>
`;

// validatorUrl null: Swagger UI would otherwise send the document to an online validator for a badge.
const DOCS_SCRIPT = `window.ui = SwaggerUIBundle({ url: '/api/v1/openapi.json', dom_id: '#docs', validatorUrl: null, deepLinking: true });\n`;

const CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function openApiRoutes(): express.Router {
  const r = express.Router();

  r.get('/api/v1/openapi.json', (_req, res) => {
    res.json(apiDocument());
  });

  r.get('/api/docs', (_req, res) => {
    res.set('Content-Security-Policy', CSP).type('html').send(DOCS_PAGE);
  });

  r.get('/api/docs/:asset', (req, res, next) => {
    res.set('Content-Security-Policy', CSP);
    if (req.params.asset === 'docs.js') return void res.type('js').send(DOCS_SCRIPT);
    const file = Object.hasOwn(ASSETS, req.params.asset) ? ASSETS[req.params.asset] : null;
    if (!file) throw new AppError('not-found', 'no such file of the docs page', 404);
    res.sendFile(file, { maxAge: '1d' }, (err) => err && next(err));
  });

  return r;
}
