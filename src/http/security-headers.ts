/**
 * Response headers every answer carries (helmet), and what only some do: `Cache-Control: no-store` on the API,
 * whose answers are records and personal data that no shared or browser cache should keep, and HSTS on answers to
 * requests that came over TLS. Over plain HTTP (the embedded default on a counter's LAN) HSTS would be ignored by
 * browsers anyway; behind a TLS proxy, TRUST_PROXY makes express believe its X-Forwarded-Proto, and `req.secure`
 * says so. Pages with scripts (the web UI, the API docs) replace the API's CSP with their own (web-ui.ts WEB_CSP).
 */
import type express from 'express';
import helmet from 'helmet';

/** The API's answers are JSON and files, never a page: nothing may load from them, and nothing may frame them. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export interface SecurityHeaderSettings {
  /** Seconds of Strict-Transport-Security on answers over TLS (HSTS_MAX_AGE_SECONDS); 0: none. */
  hstsMaxAgeSeconds?: number;
}

export function securityHeaders(settings: SecurityHeaderSettings = {}): express.RequestHandler[] {
  const maxAge = settings.hstsMaxAgeSeconds ?? 15_552_000;
  return [
    helmet({
      // Set below, as one string: pages with scripts replace it with their own (web-ui.ts WEB_CSP).
      contentSecurityPolicy: false,
      // Sent below, and only over TLS.
      strictTransportSecurity: false,
      // Other systems fetch records and PDFs from their own origins through the reuse API.
      crossOriginResourcePolicy: { policy: 'same-site' },
    }),
    (req, res, next) => {
      res.setHeader('Content-Security-Policy', API_CSP);
      if (maxAge > 0 && req.secure) res.setHeader('Strict-Transport-Security', `max-age=${maxAge}; includeSubDomains`);
      // Records, dossiers, people: nothing under /api/v1 is kept by a cache (the public API description may be).
      if (req.path.startsWith('/api/v1/') && req.path !== '/api/v1/openapi.json') res.setHeader('Cache-Control', 'no-store');
      next();
    },
  ];
}
