/**
 * Every route called on a running sohoa, and each answer checked against its contract (the same zod schemas the
 * OpenAPI document is made from): a field renamed, added or dropped in an answer fails here until the contract
 * (and so the document) says so too.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contracts } from '../src/http/contracts.ts';
import { ErrorBody } from '../src/http/openapi/contract.ts';
import { apiDocument } from '../src/http/openapi.routes.ts';
import { expectConforms, type Answer } from './helpers/contract-check.ts';
import { repoRoot, startTestStack, waitForBatch, waitForSplit, type TestStack } from './helpers/stack.ts';

const UNIT = '000.00.00.H00';

/**
 * Routes this file does not call, each with the test file that calls it and checks the answers against the contract
 * there (expectConforms or expectResponseConforms from helpers/contract-check.ts, in that file's request helper):
 * those tests already build the state the route needs (a due record, a filed dossier, a signed-in person). A route
 * added later goes either into a test here or into this list; the last test below holds each entry to its file.
 */
const NOT_CALLED_HERE: Record<string, string> = Object.fromEntries(Object.entries({
  'test/accounts.test.ts': [
    'POST /api/v1/session', 'GET /api/v1/session', 'DELETE /api/v1/session', 'PUT /api/v1/session/password',
    'GET /api/v1/units', 'POST /api/v1/units', 'POST /api/v1/units/import',
    'GET /api/v1/people', 'POST /api/v1/people', 'GET /api/v1/people/:id', 'POST /api/v1/people/:id/disable', 'POST /api/v1/people/:id/reset-password',
    'POST /api/v1/people/:id/roles', 'POST /api/v1/people/:id/roles/revoke',
    'GET /api/v1/keys', 'POST /api/v1/keys', 'POST /api/v1/keys/:id/revoke',
  ],
  'test/audit-chain.test.ts': ['GET /api/v1/audit', 'GET /api/v1/audit/verify', 'POST /api/v1/audit/heads'],
  'test/description.test.ts': [
    'POST /api/v1/dossiers/:code/close', 'GET /api/v1/archival-files/:id', 'PATCH /api/v1/archival-files/:id',
    'GET /api/v1/records/:id/description', 'PATCH /api/v1/records/:id/description',
    'GET /api/v1/archival-files/:id/description', 'GET /api/v1/fonds/:unit/description', 'GET /api/v1/archival-files/:id/history',
    'GET /api/v1/records/:id/bag', 'POST /api/v1/exports', 'GET /api/v1/exports/:id', 'GET /api/v1/exports/:id/bag',
  ],
  'test/holds.test.ts': [
    'POST /api/v1/records/:id/hold', 'DELETE /api/v1/records/:id/hold', 'GET /api/v1/records/:id/holds',
    'POST /api/v1/dossiers/:code/hold', 'DELETE /api/v1/dossiers/:code/hold', 'POST /api/v1/holds', 'DELETE /api/v1/holds/:id',
    'DELETE /api/v1/records/:id',
  ],
  'test/disposition.test.ts': [
    'GET /api/v1/disposition/due', 'POST /api/v1/disposition/lists', 'GET /api/v1/disposition/lists/:id',
    'POST /api/v1/disposition/lists/:id/approve', 'POST /api/v1/disposition/lists/:id/reject', 'GET /api/v1/records/:id/tombstone',
    'GET /api/v1/disposition/lists',
  ],
  'test/fixity.test.ts': ['GET /api/v1/fixity', 'POST /api/v1/fixity/runs', 'GET /api/v1/fixity/runs/:id'],
  'test/oidc.test.ts': ['GET /api/v1/session/oidc', 'GET /api/v1/session/oidc/callback'],
  'test/reuse.test.ts': ['GET /api/v1/reuse/results', 'GET /api/v1/reuse/results/:recordId/pdf', 'GET /api/v1/dossiers/:code/completeness', 'POST /api/v1/dossiers/:code/reused'],
  'test/digitization-report.test.ts': ['GET /api/v1/reports/digitization', 'PUT /api/v1/units/:code/digitization-target'],
  'test/pipeline-report.test.ts': ['GET /api/v1/reports/pipeline'],
  'test/search.test.ts': ['GET /api/v1/records', 'GET /api/v1/saved-searches', 'POST /api/v1/saved-searches', 'DELETE /api/v1/saved-searches/:id'],
  'test/web-ui.test.ts': ['GET /api/v1/batches', 'GET /api/v1/catalog/procedures'],
  'test/webhooks.test.ts': ['GET /api/v1/webhooks', 'POST /api/v1/webhooks', 'DELETE /api/v1/webhooks/:id', 'GET /api/v1/webhooks/:id/deliveries'],
}).flatMap(([file, routes]) => routes.map((r) => [r, file])));

/**
 * Whether a test file calls a route: a line with the route's path as a string (`/records/${id}/hold`, with or
 * without /api/v1 and a base URL before it, a query after it) and, unless it is a GET, the method named on it.
 */
function callsRoute(source: string, route: string): boolean {
  const [method, fullPath] = route.split(' ') as [string, string];
  const segments = fullPath.replace(/^\/api\/v1/, '').split('/').slice(1)
    .map((s) => (s.startsWith(':') ? String.raw`(?:\$\{[^}]+\}|[^/'"\`?\s$]+)` : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  const pathPattern = new RegExp(String.raw`[\`'"](?:[^\`'"\s]*/api/v1|\$\{[^}]+\})?/${segments.join('/')}[\`'"?]`);
  const otherMethods = ['POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => m !== method);
  return source.split('\n').some((line) => pathPattern.test(line)
    && (method === 'GET' ? !otherMethods.some((m) => line.includes(`'${m}'`)) : line.includes(`'${method}'`)));
}

describe('every route answers as its contract (and so the OpenAPI document) says', () => {
  let stack: TestStack;
  const called = new Set<string>();

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  async function call(method: string, url: string, o: { json?: unknown; form?: FormData; token?: string | null } = {}): Promise<Answer & { json: any }> {
    const headers: Record<string, string> = {};
    if (o.token !== null) headers.authorization = `Bearer ${o.token ?? stack.token}`;
    if (o.json !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(`${stack.url}${url}`, { method, headers, body: o.form ?? (o.json === undefined ? undefined : JSON.stringify(o.json)) });
    const contentType = r.headers.get('content-type') ?? '';
    const bytes = Buffer.from(await r.arrayBuffer());
    const body = contentType.startsWith('application/json') ? JSON.parse(bytes.toString('utf8')) : bytes;
    const answer = { status: r.status, contentType, body, json: body as any };
    const contract = expectConforms(method, new URL(url, stack.url).pathname, answer);
    if (contract.responses[r.status]) called.add(`${contract.method.toUpperCase()} ${contract.path}`);
    return answer;
  }

  it('serves the document and its docs page without a key, from this server only', async () => {
    expect((await call('GET', '/healthz', { token: null })).status).toBe(200);
    expect((await call('GET', '/readyz', { token: null })).status).toBe(200);
    const document = await call('GET', '/api/v1/openapi.json', { token: null });
    expect(document.json).toEqual(JSON.parse(JSON.stringify(apiDocument())));
    expect(document.json.openapi).toBe('3.1.0');

    const page = await call('GET', '/api/docs', { token: null });
    expect(page.status).toBe(200);
    const html = (page.body as Buffer).toString('utf8');
    const urls = [...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
    expect(urls).toHaveLength(3);
    for (const url of urls) {
      expect(url).toMatch(/^\/api\/docs\/[\w.-]+$/); // a path here, never another site
      const asset = await call('GET', url, { token: null });
      expect(asset.status, url).toBe(200);
      expect((asset.body as Buffer).length, url).toBeGreaterThan(url.endsWith('docs.js') ? 50 : 10_000);
    }
    expect((await call('GET', '/api/docs/index.html', { token: null })).status).toBe(404); // only the page's own files
  });

  it('answers errors in the one shape, refused fields listed', async () => {
    expect((await call('GET', `/api/v1/batches/${randomUUID()}`, { token: null })).json.error.code).toBe('unauthorized');
    expect((await call('GET', `/api/v1/batches/${randomUUID()}`)).json.error.code).toBe('not-found');
    const refused = await call('POST', `/api/v1/pages/${randomUUID()}/rotate`, { json: { degrees: 45 } });
    expect(refused.status).toBe(422);
    expect(refused.json.error.fields).toEqual([{ field: 'degrees', message: 'degrees must be 90, 180 or 270 (clockwise)' }]);
    const badQuery = await call('GET', '/api/v1/review?unit=a%20b');
    expect(badQuery.json.error.fields.map((f: { field: string }) => f.field)).toEqual(['unit']);
    // No route at all: still the one shape.
    const nowhere = await fetch(`${stack.url}/api/v1/no-such-route`, { headers: { authorization: `Bearer ${stack.token}` } });
    expect(nowhere.status).toBe(404);
    expect(ErrorBody.parse(await nowhere.json()).error.code).toBe('not-found');
  });

  it('imports a catalog version, and the same one again', async () => {
    const catalog = JSON.parse(await fs.readFile(path.join(repoRoot, 'samples', 'catalog.json'), 'utf8'));
    catalog.note = `${catalog.note} (re-imported by openapi.test)`; // other bytes than the first start's: a new version
    const first = await call('POST', '/api/v1/catalog', { json: catalog });
    expect([first.status, first.json.created]).toEqual([201, true]);
    const again = await call('POST', '/api/v1/catalog', { json: catalog });
    expect([again.status, again.json]).toEqual([200, { versionId: first.json.versionId, created: false }]);
  });

  it('takes a batch, shows it, and lets the clerk correct it until it is archived', async () => {
    const scan = await fs.readFile(path.join(repoRoot, 'samples', 'scans', 'skewed-seal.jpg')); // fits no component of KS: review
    const form = new FormData();
    form.set('unit', UNIT);
    form.set('procedure', 'KS');
    for (const [name, bytes] of [['a.jpg', scan], ['b.jpg', scan], ['broken.jpg', randomBytes(2048)]] as const) {
      form.append('files[]', new Blob([new Uint8Array(bytes)]), name);
    }
    const upload = await call('POST', '/api/v1/batches', { form });
    expect(upload.status).toBe(202);
    const batchId: string = upload.json.id;

    const split = await waitForSplit(stack.url, stack.token, batchId);
    expect(split.documents).toHaveLength(2);
    await call('GET', `/api/v1/batches/${batchId}`);
    await call('GET', `/api/v1/dossiers/${upload.json.dossier}`);
    expect((await call('GET', `/api/v1/review?unit=${UNIT}`)).json.documents.length).toBeGreaterThanOrEqual(2);

    const quarantined = (await call('GET', `/api/v1/quarantine?unit=${UNIT}`)).json.files.filter((f: { batch: string }) => f.batch === batchId);
    expect(quarantined).toHaveLength(1);
    expect(quarantined[0].reasonCode).toBe('not-a-scan');
    expect((await call('GET', `/api/v1/quarantine/${quarantined[0].id}/file`)).status).toBe(200);

    const [a, b] = split.documents.map((d: { id: string }) => d.id);
    const docA = (await call('GET', `/api/v1/documents/${a}`)).json;
    const thumbnail = await call('GET', `/api/v1/pages/${docA.pages[0]}/thumbnail`);
    expect([thumbnail.status, thumbnail.contentType, (thumbnail.body as Buffer).length > 100]).toEqual([200, 'image/webp', true]);
    // Revalidated by its ETag: unchanged → 304; a rotation (below) changes the image, so the same ETag gets the new one.
    const thumbnailUrl = `${stack.url}/api/v1/pages/${docA.pages[0]}/thumbnail`;
    // As a browser revalidates from its cache (fetch() would add Cache-Control: no-cache to a conditional request, and so ask for the bytes).
    const asKnown = async (etag: string) => fetch(thumbnailUrl, { headers: { authorization: `Bearer ${stack.token}`, 'if-none-match': etag, 'cache-control': 'max-age=0' } });
    const etag = (await asKnown('"none"')).headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect((await asKnown(etag)).status).toBe(304);
    expect((await call('PUT', `/api/v1/documents/${a}/pages`, { json: { pages: docA.pages } })).status).toBe(200);
    expect((await call('POST', `/api/v1/pages/${docA.pages[0]}/rotate`, { json: { degrees: 180 } })).status).toBe(200);
    const turned = await asKnown(etag);
    expect([turned.status, turned.headers.get('cache-control'), turned.headers.get('etag') === etag]).toEqual([200, 'private, no-cache', false]);
    const reopened = await call('POST', `/api/v1/documents/${a}/reopen`);
    expect([reopened.status, reopened.json.status]).toEqual([200, 'review']);
    expect((await call('POST', `/api/v1/documents/${a}/merge`, { json: { document: b } })).status).toBe(200);
    const cut = await call('POST', `/api/v1/documents/${a}/split`, { json: { atPage: 2 } });
    expect(cut.json.documents).toHaveLength(2);
    for (const d of cut.json.documents) {
      const confirmed = await call('PUT', `/api/v1/documents/${d.id}/component`, { json: { component: 'KS-TK' } });
      expect(confirmed.status).toBe(200);
    }

    const done = await waitForBatch(stack.url, stack.token, batchId);
    const finished = await call('GET', `/api/v1/batches/${batchId}`);
    expect(finished.json.status).toBe(done.status);
    expect(done.records.length).toBeGreaterThanOrEqual(1);
    const recordId: string = done.records[0].id;
    expect((await call('GET', `/api/v1/records/${recordId}`)).json.id).toBe(recordId);
    expect((await call('GET', `/api/v1/records/${recordId}/pdf`)).status).toBe(200);
    expect((await call('GET', `/api/v1/records/${recordId}/verify`)).json.valid).toBe(true);
    expect((await call('GET', `/api/v1/records/${randomUUID()}`)).status).toBe(404);
  });

  it('lists, imports and revokes certificates', async () => {
    expect((await call('GET', `/api/v1/units/${UNIT}/certificates`)).json.certificates.length).toBeGreaterThanOrEqual(1);
    const pki = path.join(stack.dataDir, 'pki');
    const imported = await call('POST', `/api/v1/units/${UNIT}/certificates`, {
      json: { role: 'officer', holderName: 'Nguyễn Văn Thử', p12Path: path.join(pki, `${UNIT}.p12`), passwordFile: path.join(pki, `${UNIT}.password`) },
    });
    expect(imported.status).toBe(201);
    expect((await call('POST', `/api/v1/certificates/${imported.json.id}/revoke`, { json: { reason: 'test' } })).json.status.state).toBe('revoked');
  });

  it('has every route listed as checked elsewhere called in that file, with the contract check', async () => {
    const sources = new Map<string, string>();
    for (const file of new Set(Object.values(NOT_CALLED_HERE))) sources.set(file, await fs.readFile(path.join(repoRoot, file), 'utf8'));
    for (const [file, source] of sources) expect(source, `${file} checks answers with helpers/contract-check.ts`).toMatch(/import \{ expect(?:Response)?Conforms \} from '\.\/helpers\/contract-check\.ts'/);
    const described = new Set(contracts.map((c) => `${c.method.toUpperCase()} ${c.path}`));
    for (const [route, file] of Object.entries(NOT_CALLED_HERE)) {
      expect(described.has(route), `${route} is listed in NOT_CALLED_HERE but described by no contract`).toBe(true);
      expect(callsRoute(sources.get(file)!, route), `${route} is listed as checked in ${file}, which does not call it`).toBe(true);
    }
    // The grep itself tells a call from another route's.
    expect(callsRoute("await call(token, 'DELETE', `/records/${id}/hold`, {})", 'DELETE /api/v1/records/:id')).toBe(false);
    expect(callsRoute("await call(token, 'DELETE', `/records/${id}/hold`, {})", 'DELETE /api/v1/records/:id/hold')).toBe(true);
    expect(callsRoute("await api(`/archival-files/${id}`, { method: 'PATCH' })", 'GET /api/v1/archival-files/:id')).toBe(false);
    expect(callsRoute('await getJson(`${stack.url}/api/v1/fixity?unit=A`, token)', 'GET /api/v1/fixity')).toBe(true);
    expect(callsRoute("go(`http://127.0.0.1:${port}/api/v1/session/oidc/callback`)", 'GET /api/v1/session/oidc/callback')).toBe(true);
    expect(callsRoute("go(`http://127.0.0.1:${port}/api/v1/session/oidc/callback`)", 'GET /api/v1/session/oidc')).toBe(false);
  });

  it('has called every route the document describes', () => {
    const described = contracts.map((c) => `${c.method.toUpperCase()} ${c.path}`);
    expect(described.filter((r) => !called.has(r) && !Object.hasOwn(NOT_CALLED_HERE, r)), 'routes never answered here: call them in test/openapi.test.ts, or list them in NOT_CALLED_HERE with where they are checked').toEqual([]);
  });
});
