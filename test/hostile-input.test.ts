import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, startTestStack, uploadBatch, waitFor, type TestStack } from './helpers/stack.ts';

/**
 * Probes of issue 8 against the running server: identifiers that would climb out of the data folder, input that
 * used to answer 500, and a file name too long for the quarantine. Each is refused with a reason in JSON, never
 * a stack or a server path; nothing is written outside the data folder; ordinary uploads still go through.
 */
describe('hostile input at the HTTP edge and the hot folder', () => {
  let stack: TestStack;
  // A name no other test or helper uses: the traversal must not create it.
  const escapeTarget = path.join(os.tmpdir(), `sohoa-escape-${randomUUID()}`);
  // 80 × "ệ" (3 bytes each) + ".tif": 244 bytes, within the 255-byte name limit until the quarantine adds to it.
  const longName = `${'ệ'.repeat(80)}.tif`;

  beforeAll(async () => {
    stack = await startTestStack({ OCR_WORKERS: '1' });
  });
  afterAll(async () => {
    await stack?.stop();
    await fs.rm(escapeTarget, { recursive: true, force: true });
  });

  const auth = () => ({ authorization: `Bearer ${stack.token}` });
  const call = (route: string, init: RequestInit = {}) => fetch(`${stack.url}${route}`, { ...init, headers: { ...auth(), ...(init.headers ?? {}) } });
  const postJson = (route: string, body: string, method = 'POST') => call(route, { method, body, headers: { 'content-type': 'application/json' } });

  /** A refusal: 400 or 422, a code and a message in words, and nothing of the server's insides. */
  async function expectRefused(response: Response | { status: number; body: any }, code?: string | RegExp): Promise<any> {
    const body = response instanceof Response ? await response.json() : response.body;
    expect([400, 422], JSON.stringify(body)).toContain(response.status);
    expect(typeof body.error?.code).toBe('string');
    expect(typeof body.error?.message).toBe('string');
    if (code) expect(body.error.code).toMatch(code);
    const text = JSON.stringify(body);
    expect(text).not.toContain(stack.dataDir);
    expect(text).not.toMatch(/\/tmp\/|node_modules|\bat \w+ \(|\.ts:\d+/);
    return body;
  }

  const pageImage = () => sharp({ create: { width: 850, height: 1100, channels: 3, background: '#ffffff' } }).png().toBuffer();

  it('refuses a dossier code that climbs out of the data folder, and writes nothing outside it', async () => {
    const escape = path.relative(path.join(stack.dataDir, 's3', 'sohoa', 'records', '000.00.00.H00'), escapeTarget);
    for (const dossier of [escape, '../../../../tmp/x', '..-261121-0007', '000.00.00.H00-261121-0007/../../x', '000.00.00.H00\\..\\x-261121-0007']) {
      const r = await uploadBatch(stack.url, stack.token, { unit: '000.00.00.H00', procedure: 'KS', dossier }, [{ name: 'page.png', bytes: await pageImage() }]);
      const body = await expectRefused(r, 'invalid-input');
      expect(body.error.message).toMatch(/dossier/);
    }
  });

  it('refuses unit, procedure and component codes that are not codes, or not in the catalog', async () => {
    const bytes = await pageImage();
    const cases: [Record<string, string>, RegExp][] = [
      [{ unit: '../../etc', procedure: 'KS' }, /unit/],
      [{ unit: '000.00.00.H00', procedure: 'KS/../../x' }, /procedure/],
      [{ unit: '000.00.00.H00', procedure: 'KS', component: '..' }, /component/],
      [{ unit: '000.00.00.H00', procedure: 'NO-SUCH' }, /procedure/],
      [{ unit: '000.00.00.H00', procedure: 'KS', component: 'KT-TK' }, /component/],
    ];
    for (const [fields, field] of cases) {
      const body = await expectRefused(await uploadBatch(stack.url, stack.token, fields, [{ name: 'page.png', bytes }]));
      expect(body.error.message).toMatch(field);
    }
  });

  it('answers a NUL byte in a field with 422, in a form, a JSON body, a query and a path', async () => {
    const upload = await uploadBatch(stack.url, stack.token, { unit: '000.00.00.H00', procedure: 'KS\u0000' }, [{ name: 'page.png', bytes: await pageImage() }]);
    expect((await expectRefused(upload)).error.message).toMatch(/procedure/);
    await expectRefused(await call('/api/v1/review?unit=%00'));
    await expectRefused(await postJson(`/api/v1/documents/${randomUUID()}/component`, JSON.stringify({ component: 'KS-TK\u0000' }), 'PUT'));
    await expectRefused(await postJson('/api/v1/units/000.00.00.H00/certificates', JSON.stringify({ p12Path: '/x\u0000y', passwordEnv: 'P' })));
    for (const route of ['/api/v1/dossiers/%00', '/api/v1/units/%00/certificates']) {
      const r = await call(route);
      expect([400, 404, 422]).toContain(r.status);
      expect((await r.json()).error.code).toEqual(expect.any(String));
    }
  });

  it('answers invalid percent-encoding in a path with 400', async () => {
    await expectRefused(await call('/api/v1/batches/%E0%A4%A'), 'bad-request');
    await expectRefused(await call('/api/v1/dossiers/%E0%A4%A'), 'bad-request');
  });

  it('answers a malformed multipart body with 400', async () => {
    const headers = { 'content-type': 'multipart/form-data; boundary=XYZ' };
    const truncated = '--XYZ\r\nContent-Disposition: form-data; name="unit"\r\n\r\n000.00.00.H00';
    await expectRefused(await call('/api/v1/batches', { method: 'POST', headers, body: truncated }), 'malformed-multipart');
    const badHeader = '--XYZ\r\nContent-Disposition: form-data; name="files[]"; filename="a.png"\r\nno colon here\r\n\r\nxx\r\n--XYZ--\r\n';
    await expectRefused(await call('/api/v1/batches', { method: 'POST', headers, body: badHeader }));
    await expectRefused(await call('/api/v1/batches', { method: 'POST', headers: { 'content-type': 'multipart/form-data' }, body: 'x' }));
  });

  it('answers a 200,000-deep JSON catalog with a refusal, quickly, and stays up', async () => {
    const depth = 200_000;
    const started = Date.now();
    const r = await postJson('/api/v1/catalog', `{"version":1,"procedures":${'['.repeat(depth)}${']'.repeat(depth)}}`);
    const body = await expectRefused(r, 'json-too-deep');
    expect(body.error.message).toMatch(/nest/);
    expect(Date.now() - started).toBeLessThan(5_000);
    await expectRefused(await postJson('/api/v1/catalog', '{"version": 1, "procedures": [{"code": "../x", "name": "n", "components": [{"code": "A", "name": "a", "retention": "permanent"}]}]}'), 'invalid-catalog');
    await expectRefused(await postJson('/api/v1/catalog', '{"version": 1,'), 'invalid-json');
    // A procedure listed twice passed validation and broke the import half-way (500): now refused by name, nothing stored.
    const versions = async () => (await stack.runtime.db.query('SELECT count(*)::int AS n FROM catalog_versions')).rows[0].n;
    const before = await versions();
    const procedure = { code: 'ZZ', name: 'Thủ tục', components: [{ code: 'ZZ-A', name: 'Tờ khai', retention: 'permanent' }] };
    const twice = await expectRefused(await postJson('/api/v1/catalog', JSON.stringify({ version: 9, procedures: [procedure, procedure] })), 'invalid-catalog');
    expect(twice.error.fields).toEqual([{ field: 'procedures.1.code', message: 'procedure ZZ is listed twice' }]);
    expect(await versions()).toBe(before);
    expect((await fetch(`${stack.url}/healthz`)).status).toBe(200);
  });

  it('answers a 20 KB dossier code with 422 naming the field', async () => {
    const r = await uploadBatch(stack.url, stack.token, { unit: '000.00.00.H00', procedure: 'KS', dossier: `000.00.00.H00-261121-${'1'.repeat(20_000)}` }, [{ name: 'page.png', bytes: await pageImage() }]);
    const body = await expectRefused(r, 'invalid-input');
    expect(body.error.message).toMatch(/dossier/);
    expect(body.error.message.length).toBeLessThan(500); // the reason, not the input echoed back
  });

  it('validates the clerk\'s edits, the review query and certificate calls with zod, naming the field', async () => {
    const doc = randomUUID();
    const cases: [Promise<Response>, RegExp][] = [
      [postJson(`/api/v1/documents/${doc}/component`, JSON.stringify({ component: 5 }), 'PUT'), /component/],
      [postJson(`/api/v1/documents/${doc}/merge`, JSON.stringify({ document: 'not-a-uuid' })), /document/],
      [postJson(`/api/v1/documents/${doc}/split`, JSON.stringify({ atPage: 'two' })), /atPage/],
      [postJson(`/api/v1/documents/${doc}/pages`, JSON.stringify({ pages: ['x'] }), 'PUT'), /pages/],
      [postJson(`/api/v1/pages/${doc}/rotate`, JSON.stringify({ degrees: 45 })), /degrees/],
      [call('/api/v1/review?unit=a&unit=b'), /unit/],
      [postJson('/api/v1/units/000.00.00.H00/certificates', JSON.stringify({ role: 'boss', p12Path: '/x.p12' })), /role/],
      [postJson(`/api/v1/certificates/${doc}/revoke`, JSON.stringify({ reason: 'x'.repeat(5000) })), /reason/],
    ];
    for (const [request, field] of cases) {
      const r = await request;
      expect((await expectRefused(r, 'invalid-input')).error.message, r.url).toMatch(field);
    }
  });

  it('quarantines an uploaded file with a long Vietnamese name once, with its reason and no server path', async () => {
    const r = await uploadBatch(stack.url, stack.token, { unit: '000.00.00.H00', procedure: 'KS' }, [{ name: longName, bytes: Buffer.from('not a scan at all') }]);
    expect(r.status).toBe(202);
    const batch = await waitFor('the file to be quarantined', async () => {
      const view = await getJson(`${stack.url}/api/v1/batches/${r.body.id}`, stack.token);
      return view.files[0].status === 'quarantined' || view.files[0].status === 'failed' ? view : null;
    }, 30_000);
    expect(batch.files[0].status).toBe('quarantined');
    expect(batch.files[0].error).not.toMatch(/\//);
    // In the object store: quarantine/<batch>/<n>-<name> and its .reason.txt, each key segment a file name that fits
    // 255 bytes on an endpoint that keeps objects as files (the embedded one adds up to 22 bytes of its own).
    const kept = await stack.runtime.store.list(`quarantine/${r.body.id}/`);
    expect(kept).toHaveLength(2);
    for (const key of kept) expect(Buffer.byteLength(key.split('/').pop()!) + 22).toBeLessThanOrEqual(255);
    const original = kept.find((k) => !k.endsWith('.reason.txt'))!;
    expect(original.endsWith('.tif')).toBe(true);
    expect((await stack.runtime.store.get(original)).toString()).toBe('not a scan at all');
    expect((await stack.runtime.store.get(`${original}.reason.txt`)).toString()).toMatch(/\w/);
    expect(batch.files[0].quarantine.reason).toBe(batch.files[0].error);
    const download = await call(batch.files[0].quarantine.download);
    expect(download.status).toBe(200);
    expect(await download.text()).toBe('not a scan at all');
  });

  it('quarantines a hot-folder file with a long name under a folder that is no unit code exactly once, and does not retry it', async () => {
    const folder = path.join(stack.dataDir, 'inbox', 'KHÔNG PHẢI MÃ');
    await fs.mkdir(folder, { recursive: true });
    const file = path.join(folder, longName);
    await fs.writeFile(file, 'a scan of nothing');
    await waitFor('the hot folder to let go of the file', async () => !(await fs.stat(file).catch(() => null)), 20_000);
    // Quarantined in the object store before any batch exists, listed with where it lay and why.
    const listed = async () => ((await (await call('/api/v1/quarantine')).json()).files as any[]).filter((f) => f.inboxPath?.startsWith('KHÔNG PHẢI MÃ/'));
    const [entry] = await listed();
    expect(entry).toMatchObject({ batch: null, unit: null, name: longName.slice(0, 65) + '.tif' });
    expect(entry.reason).toMatch(/unit/);
    const kept = await stack.runtime.store.list('quarantine/inbox/');
    expect(kept).toHaveLength(2);
    const original = kept.find((k) => !k.endsWith('.reason.txt'))!;
    expect(original.endsWith('.tif')).toBe(true);
    expect((await stack.runtime.store.get(`${original}.reason.txt`)).toString()).toMatch(/unit/);
    expect(await (await call(entry.download)).text()).toBe('a scan of nothing');
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // several scans of the hot folder
    expect(await stack.runtime.store.list('quarantine/inbox/')).toHaveLength(2);
    expect(await listed()).toHaveLength(1);
  });

  it('still takes an ordinary upload with a valid dossier code, and a generated one', async () => {
    const given = '000.00.00.H00-261121-0042';
    const r = await uploadBatch(stack.url, stack.token, { unit: '000.00.00.H00', procedure: 'KS', dossier: given, component: 'KS-TK' }, [{ name: 'Tờ khai.png', bytes: await pageImage() }]);
    expect(r.status).toBe(202);
    expect(r.body.dossier).toBe(given);
    const generated = await uploadBatch(stack.url, stack.token, { unit: '000.00.00.H00' }, [{ name: 'scan.png', bytes: await pageImage() }]);
    expect(generated.status).toBe(202);
    expect(generated.body.dossier).toMatch(/^000\.00\.00\.H00-\d{6}-\d{4}$/);
    const view = await waitFor('the page to be split off and read', async () => {
      const v = await getJson(`${stack.url}/api/v1/batches/${r.body.id}`, stack.token);
      return v.files[0].status === 'split' && v.files[0].pagesDone + v.files[0].pagesFailed >= 1 ? v : null;
    }, 60_000);
    expect(view).toMatchObject({ dossier: given, procedure: 'KS', component: 'KS-TK' });
    expect(view.files[0]).toMatchObject({ name: 'Tờ khai.png', pagesDone: 1 });
  });

  it('left no object key with ".." and nothing outside the data folder', async () => {
    const keys = await stack.runtime.store.list('');
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((key) => key.split('/').some((part) => part === '..' || part.includes('..')))).toEqual([]);
    expect(await fs.stat(escapeTarget).catch(() => null)).toBeNull();
    await expect(stack.runtime.store.put('records/../../escape.pdf', Buffer.from('x'))).rejects.toThrow(/object key/);
  });
});
