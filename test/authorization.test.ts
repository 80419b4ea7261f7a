import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import type { Server } from 'node:http';
import path from 'node:path';
import type express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, grantsOfKey, importCatalog, grantsOfRoles, keyScopes, type Caller, type Permission } from '@sohoa/shared';
import { createApp } from '../src/http/index.ts';
import { authorizationMatrix, callerRoles, targets, type CallerRole, type Expected, type Target } from './authorization-matrix.ts';
import { repoRoot, startTestStack, type TestStack } from './helpers/stack.ts';
import { fixtureMaker, type FixtureMaker, type UnitFixture } from './helpers/unit-fixtures.ts';

/** One request of the matrix: what to send, and for a list how to tell whether the target's object is in it. */
interface MatrixRequest {
  method?: string; path: string; json?: unknown; form?: Record<string, string>;
  listed?: (body: any) => boolean;
}

describe('authorization: every route × every role × own / child / other unit', () => {
  let stack: TestStack;
  let server: Server;
  let app: express.Express;
  let url: string;
  let maker: FixtureMaker;
  let units: Record<'D' | 'A' | 'B' | 'E', UnitFixture>;
  let catalog: unknown;
  const scan = Buffer.from('a small scan, taken as it is (no worker splits it here)');

  // Until accounts' sign-in and API keys land, a caller is a bearer token this test's `authenticate` resolves to
  // a Caller built with the access vocabulary (grantsOfRoles / grantsOfKey) over the test's unit tree.
  const callers = new Map<string, Caller>();
  const bearer = (caller: Caller) => {
    const token = `test-${randomUUID()}`;
    callers.set(token, caller);
    return { authorization: `Bearer ${token}` };
  };
  /** A person holding `role` at `unit`, or for `system` an API key with every key scope at exactly `unit`. */
  function callerFor(role: CallerRole, unit: UnitFixture): Record<string, string> {
    if (role === 'system') return keyFor([...keyScopes], [unit], 'authorization matrix');
    const held = role === 'admin' ? [{ role, unitId: null }] : [{ role, unitId: unit.id }];
    return bearer({ kind: 'person', id: randomUUID(), name: `${role}@${unit.code}`, unitId: unit.id, admin: role === 'admin', grants: grantsOfRoles(held, maker.tree) });
  }
  function keyFor(scopes: Permission[], keyUnits: UnitFixture[], purpose: string): Record<string, string> {
    const name = `key-${keyUnits.map((u) => u.code).join('+')}-${randomUUID().slice(0, 8)}`;
    const grants = grantsOfKey(scopes, keyUnits.map((u) => u.id));
    return { ...bearer({ kind: 'key', id: randomUUID(), name, unitId: keyUnits[0].id, admin: false, grants }), 'x-purpose': encodeURIComponent(purpose) };
  }
  const authenticate: express.RequestHandler = (req, res, next) => {
    const caller = callers.get(/^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1] ?? '');
    if (!caller) return void res.status(401).json({ error: { code: 'unauthorized', message: 'no such test caller' } });
    res.locals.caller = caller;
    next();
  };

  /** The request of each route, aimed at one unit's objects. */
  const requests: Record<string, (f: UnitFixture) => MatrixRequest | Promise<MatrixRequest>> = {
    'GET /healthz': () => ({ path: '/healthz' }),
    'GET /readyz': () => ({ path: '/readyz' }),
    'POST /api/v1/batches': (f) => ({ method: 'POST', path: '/api/v1/batches', form: { unit: f.code, procedure: 'KS' } }),
    'GET /api/v1/batches/:id': (f) => ({ path: `/api/v1/batches/${f.batchId}` }),
    'GET /api/v1/quarantine': (f) => ({ path: '/api/v1/quarantine', listed: (body) => body.files.some((q: any) => q.id === f.quarantinedId) }),
    'GET /api/v1/quarantine/:id/file': (f) => ({ path: `/api/v1/quarantine/${f.quarantinedId}/file` }),
    'GET /api/v1/records/:id': (f) => ({ path: `/api/v1/records/${f.recordId}` }),
    'GET /api/v1/records/:id/pdf': (f) => ({ path: `/api/v1/records/${f.recordId}/pdf` }),
    'GET /api/v1/records/:id/verify': (f) => ({ path: `/api/v1/records/${f.recordId}/verify` }),
    'GET /api/v1/dossiers/:code': (f) => ({ path: `/api/v1/dossiers/${f.dossierCode}` }),
    'GET /api/v1/review': (f) => ({ path: '/api/v1/review', listed: (body) => body.documents.some((d: any) => d.id === f.reviewDocId) }),
    'GET /api/v1/documents/:id': (f) => ({ path: `/api/v1/documents/${f.reviewDocId}` }),
    // Edits that can be repeated (the same component, the same order, another quarter turn) …
    'PUT /api/v1/documents/:id/component': (f) => ({ method: 'PUT', path: `/api/v1/documents/${f.editDocId}/component`, json: { component: 'KS-TK', procedure: 'KS' } }),
    'PUT /api/v1/documents/:id/pages': (f) => ({ method: 'PUT', path: `/api/v1/documents/${f.editDocId}/pages`, json: { pages: f.editPageIds } }),
    'POST /api/v1/pages/:id/rotate': (f) => ({ method: 'POST', path: `/api/v1/pages/${f.editPageIds[0]}/rotate`, json: { degrees: 90 } }),
    // … and two that cannot: each request gets documents of its own.
    'POST /api/v1/documents/:id/merge': async (f) => {
      const pair = await maker.freshPair(f);
      return { method: 'POST', path: `/api/v1/documents/${pair.first}/merge`, json: { document: pair.second } };
    },
    'POST /api/v1/documents/:id/split': async (f) => {
      const pair = await maker.freshPair(f);
      return { method: 'POST', path: `/api/v1/documents/${pair.first}/split`, json: { atPage: 2 } };
    },
    'POST /api/v1/catalog': () => ({ method: 'POST', path: '/api/v1/catalog', json: catalog }),
    'GET /api/v1/units/:code/certificates': (f) => ({ path: `/api/v1/units/${f.code}/certificates` }),
    'POST /api/v1/units/:code/certificates': (f) => ({ method: 'POST', path: `/api/v1/units/${f.code}/certificates`, json: { role: 'officer', ...maker.p12 } }),
    'POST /api/v1/certificates/:id/revoke': (f) => ({ method: 'POST', path: `/api/v1/certificates/${f.certificateId}/revoke`, json: { reason: 'authorization matrix' } }),
    'GET /api/v1/session/oidc': () => ({ path: '/api/v1/session/oidc' }),
    'GET /api/v1/session/oidc/callback': () => ({ path: '/api/v1/session/oidc/callback?code=a-code&state=a-state' }),
  };

  async function send(request: MatrixRequest, headers: Record<string, string>): Promise<{ status: number; body: any }> {
    let body: BodyInit | undefined;
    const h = { ...headers };
    if (request.form) {
      const form = new FormData();
      for (const [k, v] of Object.entries(request.form)) form.set(k, v);
      form.append('files[]', new Blob([new Uint8Array(scan)]), 'scan.png');
      body = form;
    } else if (request.json !== undefined) {
      body = JSON.stringify(request.json);
      h['content-type'] = 'application/json';
    }
    const response = await fetch(`${url}${request.path}`, { method: request.method ?? 'GET', headers: h, body });
    const type = response.headers.get('content-type') ?? '';
    return { status: response.status, body: type.includes('json') ? await response.json() : await response.arrayBuffer() };
  }

  /** What the cell answered, in the matrix's terms. */
  const observed = (request: MatrixRequest, answer: { status: number; body: any }): Expected =>
    request.listed && answer.status === 200 ? (request.listed(answer.body) ? 'listed' : 'hidden') : answer.status;

  /** Every route of the app, as "METHOD /mounted/path", walked from express's router stack. */
  function mountedRoutes(root: express.Express): string[] {
    const found: string[] = [];
    const walk = (stack: any[], prefix: string) => {
      for (const layer of stack) {
        if (layer.route) {
          for (const method of Object.keys(layer.route.methods).filter((m) => m !== '_all')) found.push(`${method.toUpperCase()} ${prefix}${layer.route.path}`);
        } else if (Array.isArray(layer.handle?.stack)) {
          walk(layer.handle.stack, prefix + (typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : ''));
        }
      }
    };
    walk((root as any).router.stack, '');
    return [...new Set(found)].sort();
  }

  beforeAll(async () => {
    stack = await startTestStack({}, { workers: false });
    const { db, store, queue, config } = stack.runtime;
    maker = await fixtureMaker({ db, store, queue, pkiDir: config.pkiDir });
    const D = await maker.unit('001.00.00.H10', 'UBND quận Một', null);
    const A = await maker.unit('001.01.00.H11', 'UBND phường A', D.id);
    const B = await maker.unit('001.02.00.H12', 'UBND phường B', D.id);
    const E = await maker.unit('002.00.00.H20', 'UBND quận Hai', null);
    units = { D, A, B, E };
    catalog = JSON.parse(await fs.readFile(path.join(repoRoot, 'samples', 'catalog.json'), 'utf8'));
    await importCatalog(db, Buffer.from(JSON.stringify(catalog))); // as the route will receive it: every admin's import finds it (200)
    app = createApp({
      db, store, queue, log: createLogger('warn'), maxUploadBytes: config.limits.maxUploadBytes, spoolDir: config.spoolDir,
      signing: { ...config.signing, pkiDir: config.pkiDir }, authenticate,
    });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }, 240_000);

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await stack?.stop();
  });

  it('has a row, and a request, for every route mounted on the app, and no row for a route that is not there', () => {
    const mounted = mountedRoutes(app);
    expect(mounted).toContain('GET /api/v1/records/:id'); // the walk sees the nested routers at all
    expect(mounted.filter((route) => !(route in authorizationMatrix)), 'routes with no row in test/authorization-matrix.ts').toEqual([]);
    expect(Object.keys(authorizationMatrix).filter((route) => !mounted.includes(route)), 'rows of routes that are not mounted').toEqual([]);
    expect(Object.keys(requests).sort()).toEqual(Object.keys(authorizationMatrix).sort());
  });

  it('answers every cell of the matrix as it says', async () => {
    const wrong: string[] = [];
    let cells = 0;
    // One cell at a time: on 2 cores, sending a route's cells at once measured slower (25 s against 16 s).
    for (const [route, row] of Object.entries(authorizationMatrix)) {
      for (const role of callerRoles) {
        for (const [i, target] of targets.entries()) {
          const { callerUnit, objectUnit } = aim(target);
          const request = await requests[route](objectUnit);
          const answer = await send(request, callerFor(role, callerUnit));
          const got = observed(request, answer);
          cells++;
          if (got !== row[role][i]) wrong.push(`${route} as ${role} (${target}): expected ${row[role][i]}, got ${got} ${answer.body instanceof ArrayBuffer ? '' : JSON.stringify(answer.body).slice(0, 200)}`);
        }
      }
    }
    expect(cells).toBe(Object.keys(authorizationMatrix).length * callerRoles.length * targets.length);
    expect(wrong).toEqual([]);
  }, 300_000);

  /** Where the caller sits and whose object it asks for, per target. */
  function aim(target: Target): { callerUnit: UnitFixture; objectUnit: UnitFixture } {
    if (target === 'own') return { callerUnit: units.A, objectUnit: units.A };
    if (target === 'child') return { callerUnit: units.D, objectUnit: units.A };
    return { callerUnit: units.A, objectUnit: units.B };
  }

  /** Everything of a unit a request could change or leave a trace on. */
  async function stateOf(unit: UnitFixture) {
    const { rows } = await stack.runtime.db.query(
      `SELECT
         (SELECT json_agg(d ORDER BY d.id) FROM (SELECT doc.id, doc.status, doc.page_ids, doc.component_code, doc.confirmed_by, doc.revision
            FROM documents doc JOIN dossiers ds ON ds.id = doc.dossier_id WHERE ds.unit_id = $1) d) AS documents,
         (SELECT json_agg(p ORDER BY p.id) FROM (SELECT p.id, p.rotation, p.image_key FROM pages p JOIN batches b ON b.id = p.batch_id WHERE b.unit_id = $1) p) AS pages,
         (SELECT count(*)::int FROM batches WHERE unit_id = $1) AS batches,
         (SELECT json_agg(c ORDER BY c.id) FROM (SELECT id, active, revoked_at FROM unit_certificates WHERE unit_id = $1) c) AS certificates,
         (SELECT json_agg(r ORDER BY r.id) FROM (SELECT id, metadata FROM records WHERE unit_id = $1) r) AS records,
         (SELECT count(*)::int FROM audit_events WHERE unit_id = $1) AS audit`,
      [unit.id],
    );
    return rows[0];
  }

  it('lets a clerk of ward A see, list, count or change nothing of ward B, through any route', async () => {
    const { A, B } = units;
    const clerkA = callerFor('clerk', A);
    const prepared = await Promise.all(Object.entries(requests).filter(([route]) => route.startsWith('GET /api') || !route.startsWith('GET')).map(async ([route, make]) => [route, await make(B)] as const));
    const before = await stateOf(B);
    const answers: string[] = [];
    for (const [route, request] of prepared) answers.push(`${route}: ${observed(request, await send(request, clerkA))}`);
    // Nothing of B is shown (a 404 as for a missing object, 422 unknown unit for the upload, B's objects not
    // in any list), nothing of B changed, and B's audit trail has no trace of the clerk.
    expect(answers.filter((a) => !/: (403|404|422|hidden)$/.test(a))).toEqual([]);
    expect(await stateOf(B)).toEqual(before);

    // The lists (and so their counts) hold A's and nothing of any other unit.
    const review = (await send({ path: '/api/v1/review' }, clerkA)).body.documents;
    expect(review.map((d: any) => d.id)).toContain(A.reviewDocId);
    expect(review.filter((d: any) => !d.dossier.startsWith(`${A.code}-`))).toEqual([]);
    expect((await send({ path: `/api/v1/review?unit=${B.code}` }, clerkA)).body.documents).toEqual([]);
    const quarantine = (await send({ path: '/api/v1/quarantine' }, clerkA)).body.files;
    expect(quarantine.map((q: any) => q.id)).toContain(A.quarantinedId);
    expect(quarantine.filter((q: any) => q.unit !== A.code)).toEqual([]);
    expect((await send({ path: `/api/v1/quarantine?unit=${B.code}` }, clerkA)).body.files).toEqual([]);

    // A missing object and B's answer the same body.
    const missing = await send({ path: `/api/v1/records/${randomUUID()}` }, clerkA);
    expect(await send({ path: `/api/v1/records/${B.recordId}` }, clerkA)).toEqual(missing);
  });

  it("lets a district archivist read its wards' records, and not another district's", async () => {
    const { D, A, B, E } = units;
    const archivist = callerFor('archivist', D);
    const status = async (f: UnitFixture) => (await send({ path: `/api/v1/records/${f.recordId}` }, archivist)).status;
    expect({ D: await status(D), A: await status(A), B: await status(B), E: await status(E) }).toEqual({ D: 200, A: 200, B: 200, E: 404 });
    const pdf = await send({ path: `/api/v1/records/${B.recordId}/pdf` }, archivist);
    expect(pdf.status).toBe(200);
    const review = (await send({ path: '/api/v1/review' }, archivist)).body.documents.map((d: any) => d.id);
    expect([D, A, B].every((f) => review.includes(f.reviewDocId))).toBe(true);
    expect(review).not.toContain(E.reviewDocId);
  });

  it('lets a system key with records:read for two units read exactly those, each read audited with its purpose', async () => {
    const { D, A, B, E } = units;
    const key = keyFor(['records:read'], [A, E], 'đối soát hồ sơ khai sinh');
    const reads = async (f: UnitFixture) => [
      (await send({ path: `/api/v1/records/${f.recordId}` }, key)).status,
      (await send({ path: `/api/v1/records/${f.recordId}/pdf` }, key)).status,
    ];
    expect({ A: await reads(A), E: await reads(E), B: await reads(B), D: await reads(D) }).toEqual({ A: [200, 200], E: [200, 200], B: [404, 404], D: [404, 404] });
    expect((await send({ path: `/api/v1/dossiers/${A.dossierCode}` }, key)).status).toBe(403); // records only, not the dossiers

    const { rows } = await stack.runtime.db.query(
      `SELECT action, subject_id, unit_id, purpose FROM audit_events WHERE actor LIKE 'key:key-' || $1 || '%' ORDER BY id`,
      [`${A.code}+${E.code}`],
    );
    expect(rows).toEqual([
      { action: 'record.read', subject_id: A.recordId, unit_id: A.id, purpose: 'đối soát hồ sơ khai sinh' },
      { action: 'record.content-read', subject_id: A.recordId, unit_id: A.id, purpose: 'đối soát hồ sơ khai sinh' },
      { action: 'record.read', subject_id: E.recordId, unit_id: E.id, purpose: 'đối soát hồ sơ khai sinh' },
      { action: 'record.content-read', subject_id: E.recordId, unit_id: E.id, purpose: 'đối soát hồ sơ khai sinh' },
    ]);
  });

  it('audits writes and reads of personal data with the actor and the unit', async () => {
    const { A } = units;
    const clerk = callerFor('clerk', A);
    const actor = `user:clerk@${A.code}`;
    const since = (await stack.runtime.db.query<{ id: string }>('SELECT coalesce(max(id), 0) AS id FROM audit_events')).rows[0].id;
    expect((await send({ path: `/api/v1/dossiers/${A.dossierCode}` }, clerk)).status).toBe(200);
    expect((await send({ path: `/api/v1/documents/${A.reviewDocId}` }, clerk)).status).toBe(200);
    expect((await send({ path: `/api/v1/quarantine/${A.quarantinedId}/file` }, clerk)).status).toBe(200);
    expect((await send(await requests['PUT /api/v1/documents/:id/component'](A), clerk)).status).toBe(200);
    const { rows } = await stack.runtime.db.query(
      'SELECT actor, action, subject_type, unit_id FROM audit_events WHERE id > $1 AND actor = $2 ORDER BY id',
      [since, actor],
    );
    expect(rows).toEqual([
      { actor, action: 'dossier.read', subject_type: 'dossier', unit_id: A.id },
      { actor, action: 'dossier.document-read', subject_type: 'dossier', unit_id: A.id },
      { actor, action: 'file.quarantine-downloaded', subject_type: 'file', unit_id: A.id },
      { actor, action: expect.stringMatching(/^document\.component-(confirmed|corrected)$/), subject_type: 'document', unit_id: A.id },
    ]);
  });
});
