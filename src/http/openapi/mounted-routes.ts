/**
 * Every route an express app answers, found by walking its router stack (express 5 / router 2): each route's
 * methods and full path, routers mounted inside routers included. Middleware (`use` without a route) is not a route.
 * The OpenAPI coverage test compares this list with the contracts; an authorization matrix can use it the same way.
 */
import type express from 'express';

export interface MountedRoute { method: string; path: string }

interface Layer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

const join = (prefix: string, path: string) => (path === '/' ? prefix : prefix + path);

function walk(stack: Layer[], prefix: string, found: MountedRoute[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const { path, methods } = layer.route;
      if (typeof path !== 'string') throw new Error(`a route under ${prefix || '/'} has a path that is not a string (${String(path)}): describe it by hand`);
      for (const [method, on] of Object.entries(methods)) if (on && method !== '_all') found.push({ method, path: join(prefix, path) || '/' });
    } else if (layer.handle?.stack) {
      const mount = layer.rawPath ?? '/';
      if (typeof mount !== 'string') throw new Error(`a router under ${prefix || '/'} is mounted at a path that is not a string (${String(mount)})`);
      walk(layer.handle.stack, join(prefix, mount), found);
    }
  }
}

export function mountedRoutes(app: express.Express): MountedRoute[] {
  const found: MountedRoute[] = [];
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '', found);
  return found;
}
