import { createConfig, lintFromString } from '@redocly/openapi-core';
import { describe, expect, it } from 'vitest';
import type { Db, Logger, ObjectStore, Queue } from '@sohoa/shared';
import { createApp } from '../app.ts';
import { contracts } from '../contracts.ts';
import { apiDocument, DOCS_PAGE } from '../openapi.routes.ts';
import { openApiPath } from './contract.ts';
import { mountedRoutes } from './mounted-routes.ts';

/**
 * The app as the runtime builds it, with signing configured (so every router is mounted). Nothing here is called:
 * building the routers touches neither the database nor the store, and no request is sent.
 */
function fullApp() {
  const unused = new Proxy({}, { get: (_t, name) => { throw new Error(`the route walk used deps.${String(name)}`); } });
  return createApp({
    db: unused as Db, store: unused as ObjectStore, queue: unused as Queue, log: unused as Logger, maxUploadBytes: 1, spoolDir: '/nonexistent',
    signing: { pkiDir: '/nonexistent', trustAnchorsDir: '/nonexistent', expiryWarningDays: 30, fetchRevocation: false, keyEncryptionKey: null },
  });
}

describe('the OpenAPI document', () => {
  it('lints clean with Redocly\'s strictest built-in ruleset', async () => {
    const config = await createConfig({
      extends: ['recommended-strict'],
      rules: {
        'info-license': 'off', // a private project: there is no licence to name
        'operation-4xx-response': 'off', // /healthz, /readyz and the document itself cannot fail on the caller's side
      },
    });
    const problems = await lintFromString({ source: JSON.stringify(apiDocument()), absoluteRef: '/openapi.json', config });
    // DELETE /records/:id never succeeds (a record leaves only by disposition): its answers are its refusals, so
    // that one operation, and no other, has no 2XX.
    const neverSucceeds = (p: (typeof problems)[number]) => p.ruleId === 'operation-2xx-response' && p.location[0]?.pointer === '#/paths/~1api~1v1~1records~1{id}/delete/responses';
    expect(problems.filter((p) => !neverSucceeds(p)).map((p) => `${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`)).toEqual([]);
  });

  it('describes every route the app mounts, and no route it does not', () => {
    const mounted = new Set(mountedRoutes(fullApp()).map((r) => `${r.method.toUpperCase()} ${openApiPath(r.path)}`));
    const paths = apiDocument().paths as Record<string, Record<string, unknown>>;
    const described = new Set(Object.entries(paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)));
    expect(mounted.size).toBeGreaterThan(20); // the walk found the routers (and did not stop at the first level)
    expect([...mounted].filter((r) => !described.has(r)), 'mounted but not in the OpenAPI document: add a route({...}) to its <domain>.contract.ts and the list in src/http/contracts.ts').toEqual([]);
    expect([...described].filter((r) => !mounted.has(r)), 'in the OpenAPI document but not mounted: remove it from its contract, or mount it').toEqual([]);
  });

  it('gives every operation its error answers in the one error shape', () => {
    const paths = apiDocument().paths as Record<string, Record<string, { security: unknown[]; responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
    for (const [path, ops] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(ops)) {
        // A 503 of /healthz is its report, not an error: statuses a contract answers itself keep their own shape.
        const own = contracts.find((c) => c.method === method && openApiPath(c.path) === path)!.responses;
        const errors = Object.entries(op.responses).filter(([status]) => Number(status) >= 400 && !(Number(status) in own));
        expect(errors.map(([s]) => s), `${method} ${path}`).toContain('500');
        if (op.security.length > 0) expect(errors.map(([s]) => s), `${method} ${path}`).toContain('401');
        for (const [status, response] of errors) {
          expect(response.content?.['application/json']?.schema, `${method} ${path} ${status}`).toEqual({ $ref: '#/components/schemas/Error' });
        }
      }
    }
  });

  it('is made from the contracts the routers parse with: a change of a request schema shows in the document', () => {
    const rotate = contracts.find((c) => c.path === '/api/v1/pages/:id/rotate')!;
    const schema = (apiDocument().paths as any)['/api/v1/pages/{id}/rotate'].post.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(['degrees']);
    expect(schema.properties.degrees.anyOf.map((s: { const: number }) => s.const)).toEqual([90, 180, 270]);
    expect(rotate.body?.json?.safeParse({ degrees: 45 }).success).toBe(false);
  });
});

describe('the docs page', () => {
  it('loads nothing from another site: every URL in it is a path on this server', () => {
    const urls = [...DOCS_PAGE.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
    expect(urls.length).toBeGreaterThanOrEqual(3);
    for (const url of urls) expect(url, url).toMatch(/^\/(?!\/)/);
    expect(DOCS_PAGE).not.toMatch(/(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}/i);
  });
});
