/**
 * Every request: an id (the caller's well-formed X-Request-Id, else a new one) answered in X-Request-Id and carried
 * into every log line and every job the request causes (shared/src/request-context.ts); one access log line and one
 * latency observation by route pattern when the answer is sent. Neither the query string nor any header is logged.
 */
import type express from 'express';
import { metrics, requestIdFrom, withRequestId, type Logger } from '@sohoa/shared';
import { mountedRoutes } from './openapi/mounted-routes.ts';

/** A route's path as a pattern: `/api/v1/records/:id` matches `/api/v1/records/5f0c…`, one segment per parameter. */
export function routeMatcher(patterns: readonly { method: string; path: string }[]): (method: string, path: string) => string | null {
  const compiled = patterns.map(({ method, path }) => ({
    method: method.toUpperCase(),
    path,
    regex: new RegExp(`^${path.split('/').map((s) => (s.startsWith(':') ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/')}/?$`),
  }));
  return (method, path) => {
    const m = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
    return compiled.find((r) => r.method === m && r.regex.test(path))?.path ?? null;
  };
}

const pathOf = (url: string) => {
  try {
    return new URL(url, 'http://localhost').pathname;
  } catch {
    return url;
  }
};

const PROBES = new Set(['/healthz', '/readyz']);

/** Mounted first on the app; the routes are read from the app on the first request (all routers are mounted by then). */
export function observeRequests(app: express.Express, log: Logger): express.RequestHandler {
  let match: ReturnType<typeof routeMatcher> | null = null;
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const requestId = requestIdFrom(req.headers['x-request-id']);
    res.setHeader('X-Request-Id', requestId);
    res.once('finish', () => {
      match ??= routeMatcher(mountedRoutes(app));
      // Unknown paths share one label: a scanner trying URLs must not make a series per URL.
      // req.path is relative to the router that answered; the original URL's path is the whole one.
      const route = match(req.method, pathOf(req.originalUrl)) ?? 'unmatched';
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpDuration.observe({ route, method: req.method, status: String(res.statusCode) }, seconds);
      const line = { method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1000) };
      // Probes ask every few seconds: their lines only at debug.
      withRequestId(requestId, () => (PROBES.has(route) ? log.debug(line, 'request') : log.info(line, 'request')));
    });
    // The rest of the chain runs in the request's context (body parsers and multer keep it: test/operations.test.ts
    // finds the id on the jobs of an upload), so the handlers, the services and Queue.send see the id.
    withRequestId(requestId, () => next());
  };
}
