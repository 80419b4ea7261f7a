import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import type { Server } from 'node:http';
import path from 'node:path';
import type express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, importCatalog, keyScopes, type Permission, type Role } from '@sohoa/shared';
import { saveSearch } from '@sohoa/archive-api';
import { createSubscription } from '@sohoa/webhooks';
import { apiKeys, generatePassword, people } from '../src/accounts/index.ts';
import { createApp } from '../src/http/index.ts';
import { authorizationMatrix, callerRoles, targets, unitFree, type CallerRole, type Expected, type Target } from './authorization-matrix.ts';
import { repoRoot, startTestStack, type TestStack } from './helpers/stack.ts';
import { fixtureMaker, type FixtureMaker, type UnitFixture } from './helpers/unit-fixtures.ts';

/** One request of the matrix: what to send, and for a list how to tell whether the target's object is in it. */
interface MatrixRequest {
  method?: string; path: string; json?: unknown; form?: Record<string, string>;
  listed?: (body: any) => boolean;
  /** Another identity than the cell's caller, of the same role and unit (a session the request may end). */
  headers?: Record<string, string>;
}

/** A real caller: the headers that authenticate it, how the audit trail names it, and a person's credentials. */
interface Identity { headers: Record<string, string>; actor: string; credentials?: { username: string; password: string } }
/** The caller of one cell. */
interface Cell { role: CallerRole; unit: UnitFixture; identity: Identity }

describe('authorization: every route × every role × own / child / other unit', () => {
  let stack: TestStack;
  let server: Server;
  let app: express.Express;
  let url: string;
  let maker: FixtureMaker;
  let units: Record<'D' | 'A' | 'B' | 'E', UnitFixture>;
  let catalog: unknown;
  const scan = Buffer.from('a small scan, taken as it is (no worker splits it here)');
  let serial = 0;
  const next = () => ++serial;

  /** Signs a person in through the API, as the web UI does: the session cookie, and its CSRF token for writes. */
  async function signIn(username: string, password: string): Promise<Record<string, string>> {
    const response = await fetch(`${url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    const body = (await response.json()) as any;
    if (response.status !== 201) throw new Error(`signing ${username} in: ${response.status} ${JSON.stringify(body)}`);
    const cookie = /^([^=;]+=[^;]*)/.exec(response.headers.get('set-cookie') ?? '')?.[1];
    if (!cookie) throw new Error(`no session cookie for ${username}`);
    return { cookie, 'x-csrf-token': body.csrfToken };
  }

  /** A new person holding `role` at `unit` (admin: no unit), made by the accounts service as a unit-admin would. */
  async function newPerson(role: Role, unit: UnitFixture | null, username: string): Promise<{ username: string; password: string }> {
    const { password } = await people.createPerson(stack.runtime.db, maker.operator, {
      username, unitCode: role === 'admin' ? null : unit!.code, roles: [{ role }],
    });
    return { username, password };
  }

  async function newKey(scopes: Permission[], keyUnits: UnitFixture[], name: string, purpose: string): Promise<Identity> {
    const { secret } = await apiKeys.createKey(stack.runtime.db, maker.operator, { name, unitCodes: keyUnits.map((u) => u.code), scopes });
    return { headers: { authorization: `Bearer ${secret}`, 'x-purpose': encodeURIComponent(purpose) }, actor: `key:${name}` };
  }

  /**
   * The person holding `role` at `unit`, signed in once (Argon2 is slow on purpose), or for `system` an API key with
   * every key scope at exactly `unit`.
   */
  const identities = new Map<string, Promise<Identity>>();
  function callerFor(role: CallerRole, unit: UnitFixture): Promise<Identity> {
    const name = role === 'admin' ? 'admin@matrix' : `${role}@${unit.code}`;
    if (!identities.has(name)) {
      identities.set(name, (async () => {
        if (role === 'system') return newKey([...keyScopes], [unit], name, 'authorization matrix');
        const credentials = await newPerson(role, unit, name);
        return { headers: await signIn(name, credentials.password), actor: `user:${name}`, credentials };
      })());
    }
    return identities.get(name)!;
  }
  const personOf = (cell: Cell) => (cell.role === 'system' ? callerFor('clerk', cell.unit) : Promise.resolve(cell.identity));
  const keyFor = (scopes: Permission[], keyUnits: UnitFixture[], purpose: string) =>
    newKey(scopes, keyUnits, `key-${keyUnits.map((u) => u.code).join('+')}-${randomUUID().slice(0, 8)}`, purpose);

  /** Each unit's reusable record (fixtures' owner, component KS-GCS, validly signed), made on first use. */
  const reusables = new Map<string, Promise<string>>();
  const reusableOf = (f: UnitFixture) => {
    if (!reusables.has(f.code)) reusables.set(f.code, maker.reusableRecord(f));
    return reusables.get(f.code)!;
  };
  /** A new key owned by the unit, and a webhook subscription of it, made by the operator. */
  const freshKeyOf = async (f: UnitFixture) =>
    (await apiKeys.createKey(stack.runtime.db, maker.operator, { name: `hooked ${next()}`, unitCodes: [f.code], scopes: ['records:read'] })).key.id;
  const freshWebhook = async (f: UnitFixture) =>
    (await createSubscription(stack.runtime.db, maker.operator, { apiKey: await freshKeyOf(f), url: 'https://example.org/hook', events: ['record.archived'] })).id;
  const later = (days: number) => new Date(Date.now() + days * 86400_000).toISOString().slice(0, 10);
  const hold = { reason: 'authorization matrix', reference: 'QĐ 1/2026' };

  /** The request of each route, aimed at one unit's objects, for one cell's caller. */
  const requests: Record<string, (f: UnitFixture, cell: Cell) => MatrixRequest | Promise<MatrixRequest>> = {
    'GET /healthz': () => ({ path: '/healthz' }),
    'GET /readyz': () => ({ path: '/readyz' }),
    'GET /api/v1/openapi.json': () => ({ path: '/api/v1/openapi.json' }),
    'GET /api/docs': () => ({ path: '/api/docs' }),
    'GET /api/docs/:asset': () => ({ path: '/api/docs/docs.js' }),

    // Sign-in with the cell's person's credentials (a key's cell: those of the clerk of its unit); signing out ends
    // a second session of that person; a password change (of the caller's own session) ends the person's other
    // sessions only, and the person signs in with the new password from then on.
    'POST /api/v1/session': async (_f, cell) => ({ method: 'POST', path: '/api/v1/session', json: { ...(await personOf(cell)).credentials } }),
    'GET /api/v1/session': () => ({ path: '/api/v1/session' }),
    'DELETE /api/v1/session': async (_f, cell) => {
      if (cell.role === 'system') return { method: 'DELETE', path: '/api/v1/session' };
      const { username, password } = cell.identity.credentials!;
      return { method: 'DELETE', path: '/api/v1/session', headers: await signIn(username, password) };
    },
    'PUT /api/v1/session/password': (_f, cell) => {
      const newPassword = generatePassword();
      const credentials = cell.identity.credentials;
      const currentPassword = credentials?.password ?? 'a key has none';
      if (credentials) credentials.password = newPassword; // a 204 is what every person's cell expects
      return { method: 'PUT', path: '/api/v1/session/password', json: { currentPassword, newPassword } };
    },

    'POST /api/v1/batches': (f) => ({ method: 'POST', path: '/api/v1/batches', form: { unit: f.code, procedure: 'KS' } }),
    "POST /api/v1/batches — into the caller's unit, with the target's dossier code": (f, cell) => ({
      method: 'POST', path: '/api/v1/batches', form: { unit: cell.unit.code, procedure: 'KS', dossier: f.dossierCode },
    }),
    'GET /api/v1/batches': (f) => ({ path: '/api/v1/batches?since=2000-01-01T00:00:00Z', listed: (body) => body.batches.some((b: any) => b.id === f.batchId) }),
    'GET /api/v1/batches/:id': (f) => ({ path: `/api/v1/batches/${f.batchId}` }),
    'GET /api/v1/quarantine': (f) => ({ path: '/api/v1/quarantine', listed: (body) => body.files.some((q: any) => q.id === f.quarantinedId) }),
    'GET /api/v1/quarantine/:id/file': (f) => ({ path: `/api/v1/quarantine/${f.quarantinedId}/file` }),

    // Due records are left out: requests below add many to each unit, the record looked for is not one of them.
    'GET /api/v1/records': (f) => ({ path: `/api/v1/records?unit=${f.code}&dueForDisposition=false&limit=100`, listed: (body) => body.items.some((r: any) => r.id === f.recordId) }),
    'GET /api/v1/saved-searches': () => ({ path: '/api/v1/saved-searches' }),
    'POST /api/v1/saved-searches': (f) => ({ method: 'POST', path: '/api/v1/saved-searches', json: { name: `search ${next()}`, query: { q: 'khai sinh', unit: f.code } } }),
    'DELETE /api/v1/saved-searches/:id': async (f, cell) => {
      const saved = await saveSearch(stack.runtime.db, cell.identity.actor, `search ${next()}`, { unit: f.code });
      return { method: 'DELETE', path: `/api/v1/saved-searches/${saved.id}` };
    },
    'GET /api/v1/records/:id': (f) => ({ path: `/api/v1/records/${f.recordId}` }),
    'GET /api/v1/records/:id/pdf': (f) => ({ path: `/api/v1/records/${f.recordId}/pdf` }),
    'GET /api/v1/records/:id/verify': (f) => ({ path: `/api/v1/records/${f.recordId}/verify` }),
    'DELETE /api/v1/records/:id': (f) => ({ method: 'DELETE', path: `/api/v1/records/${f.recordId}` }),
    // Reuse needs X-Purpose from persons too (a key's identity sends it already).
    'GET /api/v1/reuse/results': async (f, cell) => {
      const id = await reusableOf(f);
      return { path: '/api/v1/reuse/results?owner=079123456789', headers: { ...cell.identity.headers, 'x-purpose': 'authorization matrix' }, listed: (body) => body.results.some((r: any) => r.recordId === id) };
    },
    'GET /api/v1/reuse/results/:recordId/pdf': async (f, cell) => ({ path: `/api/v1/reuse/results/${await reusableOf(f)}/pdf`, headers: { ...cell.identity.headers, 'x-purpose': 'authorization matrix' } }),

    'GET /api/v1/dossiers/:code': (f) => ({ path: `/api/v1/dossiers/${f.dossierCode}` }),
    'GET /api/v1/dossiers/:code/completeness': (f) => ({ path: `/api/v1/dossiers/${f.dossierCode}/completeness` }),
    // The unit's dossier takes the unit's reusable record in place of a paper (again: nothing new, still 200).
    'POST /api/v1/dossiers/:code/reused': async (f) => ({ method: 'POST', path: `/api/v1/dossiers/${f.dossierCode}/reused`, json: { record: await reusableOf(f) } }),
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
    'POST /api/v1/documents/:id/reopen': async (f) => {
      const pair = await maker.freshPair(f);
      return { method: 'POST', path: `/api/v1/documents/${pair.first}/reopen` };
    },
    'GET /api/v1/pages/:id/thumbnail': (f) => ({ path: `/api/v1/pages/${f.editPageIds[1]}/thumbnail` }),
    'GET /api/v1/catalog/procedures': () => ({ path: '/api/v1/catalog/procedures' }),
    'POST /api/v1/catalog': () => ({ method: 'POST', path: '/api/v1/catalog', json: catalog }),

    'POST /api/v1/dossiers/:code/close': (f) => ({ method: 'POST', path: `/api/v1/dossiers/${f.dossierCode}/close` }), // closed already: the same file again
    'GET /api/v1/archival-files/:id': (f) => ({ path: `/api/v1/archival-files/${f.archivalFileId}` }),
    'PATCH /api/v1/archival-files/:id': (f) => ({ method: 'PATCH', path: `/api/v1/archival-files/${f.archivalFileId}`, json: { Title: 'Hồ sơ đăng ký khai sinh' } }),
    'GET /api/v1/archival-files/:id/description': (f) => ({ path: `/api/v1/archival-files/${f.archivalFileId}/description?format=xml` }),
    'GET /api/v1/archival-files/:id/history': (f) => ({ path: `/api/v1/archival-files/${f.archivalFileId}/history` }),
    'GET /api/v1/records/:id/description': (f) => ({ path: `/api/v1/records/${f.recordId}/description` }),
    'PATCH /api/v1/records/:id/description': (f) => ({ method: 'PATCH', path: `/api/v1/records/${f.recordId}/description`, json: { Subject: 'Tờ khai đăng ký khai sinh' } }),
    'GET /api/v1/fonds/:unit/description': (f) => ({ path: `/api/v1/fonds/${f.code}/description` }),

    'GET /api/v1/records/:id/bag': (f) => ({ path: `/api/v1/records/${f.recordId}/bag` }),
    'POST /api/v1/exports': (f) => ({ method: 'POST', path: '/api/v1/exports', json: { kind: 'file', file: f.archivalFileId } }),
    'GET /api/v1/exports/:id': (f) => ({ path: `/api/v1/exports/${f.exportId}` }),
    'GET /api/v1/exports/:id/bag': (f) => ({ path: `/api/v1/exports/${f.exportId}/bag` }),

    // A hold to lift is placed first (by the operator) for each request that lifts one.
    'POST /api/v1/records/:id/hold': (f) => ({ method: 'POST', path: `/api/v1/records/${f.recordId}/hold`, json: hold }),
    'DELETE /api/v1/records/:id/hold': async (f) => {
      await maker.holdRecord(f);
      return { method: 'DELETE', path: `/api/v1/records/${f.recordId}/hold`, json: { reason: 'authorization matrix' } };
    },
    'GET /api/v1/records/:id/holds': (f) => ({ path: `/api/v1/records/${f.recordId}/holds` }),
    'POST /api/v1/dossiers/:code/hold': (f) => ({ method: 'POST', path: `/api/v1/dossiers/${f.dossierCode}/hold`, json: hold }),
    'DELETE /api/v1/dossiers/:code/hold': async (f) => {
      await maker.holdDossier(f);
      return { method: 'DELETE', path: `/api/v1/dossiers/${f.dossierCode}/hold`, json: { reason: 'authorization matrix' } };
    },
    'POST /api/v1/holds': (f) => ({ method: 'POST', path: '/api/v1/holds', json: { records: [f.recordId], ...hold } }),
    'DELETE /api/v1/holds/:id': async (f) => ({ method: 'DELETE', path: `/api/v1/holds/${await maker.holdSet(f)}`, json: { reason: 'authorization matrix' } }),

    // Disposition: each request gets due records or a proposed list of its own.
    'GET /api/v1/disposition/due': async (f) => {
      const due = await maker.freshDueRecord(f);
      return { path: '/api/v1/disposition/due', listed: (body) => body.items.some((i: any) => i.id === due) };
    },
    'POST /api/v1/disposition/lists': async (f) => ({ method: 'POST', path: '/api/v1/disposition/lists', json: { records: [await maker.freshDueRecord(f)], note: 'authorization matrix' } }),
    'GET /api/v1/disposition/lists/:id': (f) => ({ path: `/api/v1/disposition/lists/${f.dispositionListId!}` }),
    'GET /api/v1/disposition/lists': (f) => ({ path: '/api/v1/disposition/lists', listed: (body) => body.items.some((l: any) => l.id === f.dispositionListId) }),
    'POST /api/v1/disposition/lists/:id/approve': async (f) => ({ method: 'POST', path: `/api/v1/disposition/lists/${await maker.freshList(f)}/approve`, json: { reason: 'authorization matrix' } }),
    'POST /api/v1/disposition/lists/:id/reject': async (f) => ({
      method: 'POST', path: `/api/v1/disposition/lists/${await maker.freshList(f)}/reject`, json: { reason: 'authorization matrix', reviewAfter: later(365) },
    }),
    'GET /api/v1/records/:id/tombstone': (f) => ({ path: `/api/v1/records/${f.disposedRecordId!}/tombstone` }),

    'GET /api/v1/fixity': (f) => ({ path: '/api/v1/fixity?limit=1000', listed: (body) => body.items.some((i: any) => i.record === f.recordId) }),
    'POST /api/v1/fixity/runs': (f) => ({ method: 'POST', path: '/api/v1/fixity/runs', json: { unit: f.code } }),
    'GET /api/v1/fixity/runs/:id': (f) => ({ path: `/api/v1/fixity/runs/${f.fixityRunId}` }),

    'GET /api/v1/audit': (f) => ({ path: `/api/v1/audit?subject=${f.batchId}`, listed: (body) => body.items.some((e: any) => e.subjectId === f.batchId) }),
    'GET /api/v1/audit/verify': () => ({ path: '/api/v1/audit/verify' }),
    'POST /api/v1/audit/heads': () => ({ method: 'POST', path: '/api/v1/audit/heads' }),

    'GET /api/v1/reports/digitization': (f) => ({ path: `/api/v1/reports/digitization?unit=${f.code}&from=2026-01-01&to=2026-12-31&groupBy=year` }),
    'GET /api/v1/reports/pipeline': (f) => ({ path: `/api/v1/reports/pipeline?unit=${f.code}` }),
    'PUT /api/v1/units/:code/digitization-target': (f) => ({ method: 'PUT', path: `/api/v1/units/${f.code}/digitization-target`, json: { target: 0.8 } }),

    'GET /api/v1/units': (f) => ({ path: '/api/v1/units', listed: (body) => body.units.some((u: any) => u.code === f.code) }),
    'POST /api/v1/units': (f) => ({ method: 'POST', path: '/api/v1/units', json: { code: `${f.code}.T${next()}`, name: 'Tổ thử', parent: f.code } }),
    'POST /api/v1/units/import': (f) => ({ method: 'POST', path: '/api/v1/units/import', json: [{ code: `${f.code}.T${next()}`, name: 'Tổ nhập', parent: f.code }] }),
    'GET /api/v1/people': (f) => ({ path: '/api/v1/people', listed: (body) => body.people.some((p: any) => p.id === f.personId) }),
    'POST /api/v1/people': (f) => ({ method: 'POST', path: '/api/v1/people', json: { username: `new.${next()}@${f.code}`, unit: f.code, roles: [{ role: 'clerk' }] } }),
    'GET /api/v1/people/:id': (f) => ({ path: `/api/v1/people/${f.personId}` }),
    'POST /api/v1/people/:id/disable': (f) => ({ method: 'POST', path: `/api/v1/people/${f.personId}/disable` }),
    'POST /api/v1/people/:id/reset-password': (f) => ({ method: 'POST', path: `/api/v1/people/${f.personId}/reset-password` }),
    'POST /api/v1/people/:id/roles': (f) => ({ method: 'POST', path: `/api/v1/people/${f.personId}/roles`, json: { role: 'archivist', unit: f.code } }),
    'POST /api/v1/people/:id/roles/revoke': async (f) => {
      await people.grantRole(stack.runtime.db, maker.operator, f.personId, 'auditor', f.code);
      return { method: 'POST', path: `/api/v1/people/${f.personId}/roles/revoke`, json: { role: 'auditor', unit: f.code } };
    },
    'GET /api/v1/keys': (f) => ({ path: '/api/v1/keys', listed: (body) => body.keys.some((k: any) => k.id === f.keyId) }),
    'POST /api/v1/keys': (f) => ({ method: 'POST', path: '/api/v1/keys', json: { name: `key ${next()}`, units: [f.code], scopes: ['records:read'] } }),
    'POST /api/v1/keys/:id/revoke': (f) => ({ method: 'POST', path: `/api/v1/keys/${f.keyId}/revoke` }),
    // Each request gets a subscription of a fresh key of the unit (the unit's own key may be revoked by now).
    'GET /api/v1/webhooks': async (f) => {
      const id = await freshWebhook(f);
      return { path: '/api/v1/webhooks', listed: (body) => body.webhooks.some((w: any) => w.id === id) };
    },
    'POST /api/v1/webhooks': async (f) => ({ method: 'POST', path: '/api/v1/webhooks', json: { apiKey: await freshKeyOf(f), url: 'https://example.org/hook', events: ['record.archived'] } }),
    'DELETE /api/v1/webhooks/:id': async (f) => ({ method: 'DELETE', path: `/api/v1/webhooks/${await freshWebhook(f)}` }),
    'GET /api/v1/webhooks/:id/deliveries': async (f) => ({ path: `/api/v1/webhooks/${await freshWebhook(f)}/deliveries` }),

    'GET /api/v1/units/:code/certificates': (f) => ({ path: `/api/v1/units/${f.code}/certificates` }),
    'POST /api/v1/units/:code/certificates': (f) => ({ method: 'POST', path: `/api/v1/units/${f.code}/certificates`, json: { role: 'officer', ...maker.p12 } }),
    'POST /api/v1/certificates/:id/revoke': (f) => ({ method: 'POST', path: `/api/v1/certificates/${f.certificateId}/revoke`, json: { reason: 'authorization matrix' } }),
    'GET /api/v1/session/oidc': () => ({ path: '/api/v1/session/oidc' }),
    'GET /api/v1/session/oidc/callback': () => ({ path: '/api/v1/session/oidc/callback?code=a-code&state=a-state' }),
  };

  async function send(request: MatrixRequest, headers: Record<string, string>): Promise<{ status: number; body: any }> {
    let body: BodyInit | undefined;
    const h = { ...(request.headers ?? headers) };
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
  /** The route a row is about: a second row of the same route adds " — what differs" to its key. */
  const routeOf = (row: string) => row.split(' — ')[0]!;

  beforeAll(async () => {
    stack = await startTestStack({}, { workers: false });
    const { db, store, queue, config } = stack.runtime;
    catalog = JSON.parse(await fs.readFile(path.join(repoRoot, 'samples', 'catalog.json'), 'utf8'));
    await importCatalog(db, Buffer.from(JSON.stringify(catalog))); // as the route will receive it: every admin's import finds it (200)
    app = createApp({
      db, store, queue, log: createLogger('warn'), maxUploadBytes: config.limits.maxUploadBytes, spoolDir: config.spoolDir,
      signing: { ...config.signing, pkiDir: config.pkiDir },
    });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

    // The unit tree, with real parents: district D → wards A and B; another district E.
    maker = await fixtureMaker({ db, store, queue, pkiDir: config.pkiDir });
    // Every object a cell asks for is A's or B's: D and E go without a carried-out disposition list.
    const D = await maker.unit('001.00.00.H10', 'UBND quận Một', null, { dispose: false });
    const A = await maker.unit('001.01.00.H11', 'UBND phường A', D.code);
    const B = await maker.unit('001.02.00.H12', 'UBND phường B', D.code);
    const E = await maker.unit('002.00.00.H20', 'UBND quận Hai', null, { dispose: false });
    units = { D, A, B, E };
    // Every caller of the matrix sits at A or D: made and signed in once, here.
    await Promise.all(callerRoles.flatMap((role) => [callerFor(role, A), callerFor(role, D)]));
  }, 240_000);

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await stack?.stop();
  });

  it('has a row, and a request, for every route mounted on the app, and no row for a route that is not there', () => {
    const mounted = mountedRoutes(app);
    expect(mounted).toContain('GET /api/v1/records/:id'); // the walk sees the nested routers at all
    const rows = Object.keys(authorizationMatrix);
    expect(mounted.filter((route) => !rows.some((row) => routeOf(row) === route)), 'routes with no row in test/authorization-matrix.ts').toEqual([]);
    expect(rows.filter((row) => !mounted.includes(routeOf(row))), 'rows of routes that are not mounted').toEqual([]);
    expect([...unitFree].filter((row) => !rows.includes(row))).toEqual([]);
    expect(Object.keys(requests).sort()).toEqual(rows.sort());
  });

  it('answers every cell of the matrix as it says', async () => {
    const wrong: string[] = [];
    let cells = 0;
    // One cell at a time: on 2 cores, sending a route's cells at once measured slower (25 s against 16 s).
    for (const [route, row] of Object.entries(authorizationMatrix)) {
      for (const role of callerRoles) {
        for (const [i, target] of targets.entries()) {
          const { callerUnit, objectUnit } = aim(target);
          const identity = await callerFor(role, callerUnit);
          const request = await requests[route](objectUnit, { role, unit: callerUnit, identity });
          const answer = await send(request, identity.headers);
          const got = observed(request, answer);
          cells++;
          if (got !== row[role][i]) wrong.push(`${route} as ${role} (${target}): expected ${row[role][i]}, got ${got} ${answer.body instanceof ArrayBuffer ? '' : JSON.stringify(answer.body).slice(0, 200)}`);
        }
      }
    }
    expect(cells).toBe(Object.keys(authorizationMatrix).length * callerRoles.length * targets.length);
    expect(wrong).toEqual([]);
  }, 400_000);

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
         (SELECT json_agg(d ORDER BY d.id) FROM (SELECT id, closed_at FROM dossiers WHERE unit_id = $1) d) AS dossiers,
         (SELECT json_agg(c ORDER BY c.id) FROM (SELECT id, active, revoked_at FROM unit_certificates WHERE unit_id = $1) c) AS certificates,
         (SELECT json_agg(r ORDER BY r.id) FROM (SELECT id, metadata, legal_hold, disposed_at, due_since, review_after FROM records WHERE unit_id = $1) r) AS records,
         (SELECT json_agg(f ORDER BY f.id) FROM (SELECT id, edited, updated_at FROM archival_files WHERE unit_id = $1) f) AS archival_files,
         (SELECT json_agg(h ORDER BY h.id) FROM (SELECT h.id, h.lifted_at FROM legal_holds h
            WHERE h.record_id IN (SELECT id FROM records WHERE unit_id = $1) OR h.dossier_id IN (SELECT id FROM dossiers WHERE unit_id = $1)
               OR h.record_ids && (SELECT array_agg(id) FROM records WHERE unit_id = $1)) h) AS holds,
         (SELECT json_agg(l ORDER BY l.id) FROM (SELECT id, status FROM disposition_lists WHERE unit_id = $1) l) AS disposition_lists,
         (SELECT count(*)::int FROM exports WHERE $1 = ANY(unit_ids)) AS exports,
         (SELECT count(*)::int FROM fixity_runs WHERE $1 = ANY(unit_ids)) AS fixity_runs,
         (SELECT json_agg(u ORDER BY u.id) FROM (SELECT u.id, u.disabled_at, u.password_hash, u.locked_until,
            (SELECT json_agg(json_build_array(role, unit_id) ORDER BY role, unit_id) FROM user_roles WHERE user_id = u.id) AS roles
            FROM users u WHERE u.unit_id = $1) u) AS people,
         (SELECT json_agg(k ORDER BY k.id) FROM (SELECT id, revoked_at FROM api_keys WHERE owner_unit_id = $1 OR $1 = ANY(unit_ids)) k) AS keys,
         (SELECT json_agg(u ORDER BY u.id) FROM (SELECT id, code, name, parent_id FROM units WHERE id = $1 OR parent_id = $1) u) AS units,
         (SELECT count(*)::int FROM audit_events WHERE unit_id = $1) AS audit`,
      [unit.id],
    );
    return rows[0];
  }

  it('lets a clerk of ward A see, list, count or change nothing of ward B, through any route', async () => {
    const { A, B } = units;
    const clerkA = await callerFor('clerk', A);
    const cell: Cell = { role: 'clerk', unit: A, identity: clerkA };
    const prepared: [string, MatrixRequest][] = [];
    for (const [route, make] of Object.entries(requests)) prepared.push([route, await make(B, cell)]);
    const before = await stateOf(B);
    const answers: string[] = [];
    for (const [route, request] of prepared) {
      const got = observed(request, await send(request, clerkA.headers));
      // Nothing of B is shown (a 404 as for a missing object, 422 unknown unit or dossier for the upload, B's
      // objects in no list); a route about no unit answers the clerk as it answers for ward A's own.
      const allowed = unitFree.has(route) ? [authorizationMatrix[route].clerk[0]] : [403, 404, 422, 'hidden'];
      if (!allowed.includes(got)) answers.push(`${route}: ${got}`);
    }
    expect(answers).toEqual([]);
    // Nothing of B changed, and B's audit trail has no trace of the clerk.
    expect(await stateOf(B)).toEqual(before);

    // The lists (and so their counts) hold A's and nothing of any other unit.
    const review = (await send({ path: '/api/v1/review' }, clerkA.headers)).body.documents;
    expect(review.map((d: any) => d.id)).toContain(A.reviewDocId);
    expect(review.filter((d: any) => !d.dossier.startsWith(`${A.code}-`))).toEqual([]);
    expect((await send({ path: `/api/v1/review?unit=${B.code}` }, clerkA.headers)).body.documents).toEqual([]);
    const quarantine = (await send({ path: '/api/v1/quarantine' }, clerkA.headers)).body.files;
    expect(quarantine.map((q: any) => q.id)).toContain(A.quarantinedId);
    expect(quarantine.filter((q: any) => q.unit !== A.code)).toEqual([]);
    expect((await send({ path: `/api/v1/quarantine?unit=${B.code}` }, clerkA.headers)).body.files).toEqual([]);
    const found = (await send({ path: '/api/v1/records?limit=100' }, clerkA.headers)).body;
    expect(found.items.map((r: any) => r.id)).toContain(A.recordId);
    expect(found.items.filter((r: any) => r.unit !== A.code)).toEqual([]);
    expect(found.facets.unit.map((u: any) => u.value)).toEqual([A.code]);
    expect((await send({ path: `/api/v1/records?unit=${B.code}` }, clerkA.headers)).body.items).toEqual([]);
    expect((await send({ path: '/api/v1/units' }, clerkA.headers)).body.units.map((u: any) => u.code)).toEqual([A.code]);
    const fixity = (await send({ path: '/api/v1/fixity?limit=1000' }, clerkA.headers)).body;
    expect(fixity.items.filter((i: any) => i.unit !== A.code)).toEqual([]);
    expect(fixity.runs.map((r: any) => r.id)).not.toContain(B.fixityRunId);
    // A saved search is its owner's: a person of B's is as missing to the clerk as one that never was.
    const ofB = await saveSearch(stack.runtime.db, `user:person@${B.code}`, 'hồ sơ của phường B', { unit: B.code });
    expect((await send({ path: '/api/v1/saved-searches' }, clerkA.headers)).body.searches.map((s: any) => s.id)).not.toContain(ofB.id);
    expect((await send({ method: 'DELETE', path: `/api/v1/saved-searches/${ofB.id}` }, clerkA.headers)).status).toBe(404);

    // A missing object and B's answer the same body; so do B's dossier and a dossier code of B's that no one gave.
    const missing = await send({ path: `/api/v1/records/${randomUUID()}` }, clerkA.headers);
    expect(await send({ path: `/api/v1/records/${B.recordId}` }, clerkA.headers)).toEqual(missing);
    const upload = (dossier: string) => send({ method: 'POST', path: '/api/v1/batches', form: { unit: A.code, procedure: 'KS', dossier } }, clerkA.headers);
    const unknownOfB = await upload(`${B.code}-261121-9999`);
    expect(unknownOfB.status).toBe(422);
    expect(await upload(B.dossierCode)).toEqual(unknownOfB);
    expect((await upload(`${A.code}-261121-9999`)).status).toBe(202); // a new dossier of A's own is taken
  });

  it("lets a district archivist search and read its wards' records, and not another district's", async () => {
    const { D, A, B, E } = units;
    const archivist = (await callerFor('archivist', D)).headers;
    const status = async (f: UnitFixture) => (await send({ path: `/api/v1/records/${f.recordId}` }, archivist)).status;
    expect({ D: await status(D), A: await status(A), B: await status(B), E: await status(E) }).toEqual({ D: 200, A: 200, B: 200, E: 404 });
    const pdf = await send({ path: `/api/v1/records/${B.recordId}/pdf` }, archivist);
    expect(pdf.status).toBe(200);
    const review = (await send({ path: '/api/v1/review' }, archivist)).body.documents.map((d: any) => d.id);
    expect([D, A, B].every((f) => review.includes(f.reviewDocId))).toBe(true);
    expect(review).not.toContain(E.reviewDocId);
    // The search finds each of its units' records, and nothing of E's, even when asked for E.
    const searched = async (f: UnitFixture) => (await send({ path: `/api/v1/records?unit=${f.code}&dueForDisposition=false&limit=100` }, archivist)).body.items.map((r: any) => r.id);
    expect({ D: (await searched(D)).includes(D.recordId), A: (await searched(A)).includes(A.recordId), B: (await searched(B)).includes(B.recordId), E: await searched(E) })
      .toEqual({ D: true, A: true, B: true, E: [] });
    const units_ = (await send({ path: '/api/v1/records?limit=100' }, archivist)).body.facets.unit.map((u: any) => u.value).sort();
    expect(units_).toEqual([D.code, A.code, B.code].sort());
  });

  it('lets a system key with records:read for two units read exactly those, each read audited with its purpose', async () => {
    const { D, A, B, E } = units;
    const key = (await keyFor(['records:read'], [A, E], 'đối soát hồ sơ khai sinh')).headers;
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
    // Its searches find those two units' records, and no other.
    const found = (await send({ path: '/api/v1/records?limit=100' }, key)).body;
    expect(found.facets.unit.map((u: any) => u.value).sort()).toEqual([A.code, E.code].sort());
    expect(found.items.map((r: any) => r.id)).toEqual(expect.arrayContaining([A.recordId, E.recordId]));
  });

  it('audits writes and reads of personal data with the actor and the unit', async () => {
    const { A } = units;
    const clerk = await callerFor('clerk', A);
    const cell: Cell = { role: 'clerk', unit: A, identity: clerk };
    const actor = `user:clerk@${A.code}`;
    expect(clerk.actor).toBe(actor);
    const since = (await stack.runtime.db.query<{ id: string }>('SELECT coalesce(max(id), 0) AS id FROM audit_events')).rows[0].id;
    expect((await send({ path: `/api/v1/dossiers/${A.dossierCode}` }, clerk.headers)).status).toBe(200);
    expect((await send({ path: `/api/v1/documents/${A.reviewDocId}` }, clerk.headers)).status).toBe(200);
    expect((await send({ path: `/api/v1/quarantine/${A.quarantinedId}/file` }, clerk.headers)).status).toBe(200);
    expect((await send(await requests['PUT /api/v1/documents/:id/component'](A, cell), clerk.headers)).status).toBe(200);
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

  it('refuses a state-changing request of a signed-in person without the CSRF token, and an unknown key', async () => {
    const { A } = units;
    const { cookie } = (await callerFor('archivist', A)).headers;
    const closing = { method: 'POST', path: `/api/v1/dossiers/${A.dossierCode}/close` };
    expect((await send(closing, { cookie })).status).toBe(403);
    expect((await send(closing, { cookie, 'x-csrf-token': 'not-the-token' })).status).toBe(403);
    expect((await send({ path: `/api/v1/records/${A.recordId}` }, { authorization: 'Bearer sohoa_key_not-a-key' })).status).toBe(401);
  });
});
