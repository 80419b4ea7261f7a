/**
 * Accounts on the real stack (embedded PostgreSQL, the HTTP app, the CLI as its own process): the first start's
 * admin, sign-in and its cookie, CSRF, the rate limit and lockout, the password policy, unit-admins' reach, API keys
 * (scopes, units, expiry, revocation, last use), unit imports, and `sohoa units|users|keys`.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectConforms } from './helpers/contract-check.ts';
import { repoRoot, run, startTestStack, type TestStack } from './helpers/stack.ts';

interface Answer { status: number; body: any; headers: Headers }
interface Session { cookie: string; csrf: string; body: any }

describe('accounts, sessions and keys', () => {
  let stack: TestStack;
  let admin: { username: string; password: string };

  /** One request: `token` as bearer, or `session` as cookie (+ its CSRF token unless `csrf: false`). */
  async function call(method: string, route: string, o: { token?: string; session?: Session; csrf?: boolean; body?: unknown; text?: string; contentType?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (o.session) {
      headers.cookie = o.session.cookie;
      if (o.csrf !== false) headers['x-csrf-token'] = o.session.csrf;
    }
    let body: string | undefined;
    if (o.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(o.body);
    } else if (o.text !== undefined) {
      headers['content-type'] = o.contentType ?? 'text/csv';
      body = o.text;
    }
    const r = await fetch(`${stack.url}/api/v1${route}`, { method, headers, body });
    const text = await r.text();
    const answer = { status: r.status, body: text ? JSON.parse(text) : null, headers: r.headers };
    // Every answer here as its route's contract (the OpenAPI document) says.
    expectConforms(method, new URL(`/api/v1${route}`, stack.url).pathname, { ...answer, contentType: r.headers.get('content-type') ?? '' });
    return answer;
  }

  async function signIn(username: string, password: string, headers: Record<string, string> = {}): Promise<Session & { answer: Answer; setCookie: string }> {
    const answer = await call('POST', '/session', { body: { username, password }, headers });
    const setCookie = answer.headers.getSetCookie()[0] ?? '';
    return { answer, setCookie, cookie: setCookie.split(';')[0]!, csrf: answer.body?.csrfToken, body: answer.body };
  }

  const addPerson = async (username: string, unit: string, roles: string[], by: { token?: string; session?: Session } = { token: stack.token }) =>
    call('POST', '/people', { ...by, body: { username, unit, roles: roles.map((role) => ({ role })) } });

  beforeAll(async () => {
    stack = await startTestStack({ TRUST_PROXY: 'loopback', LOG_LEVEL: 'debug', AUTH_CACHE_SECONDS: '2' }, { workers: false, captureLogs: true });
    const credentials = JSON.parse(await fs.readFile(path.join(stack.dataDir, 'credentials.json'), 'utf8'));
    admin = credentials.admin;
    // A province with a district, its two wards, and an unrelated unit; parents after children in the file.
    const imported = await call('POST', '/units/import', {
      token: stack.token,
      text: 'code,name,parent,kind\n100.01.01.W01,Phường 1,100.01.00.D01,ward\n100.01.02.W02,Phường 2,100.01.00.D01,ward\n100.01.00.D01,Quận 1,100.00.00.P01,district\n100.00.00.P01,Tỉnh Mẫu,,province\n200.00.00.X01,Sở khác,,department\n',
    });
    expect(imported.body).toEqual({ created: 5, updated: 0, units: 5 });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('first start: the admin person\'s password is in credentials.json (0600), signs in, and is never logged', async () => {
    const file = path.join(stack.dataDir, 'credentials.json');
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect(admin.username).toBe('admin');
    expect(admin.password).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
    expect(stack.logLines.length).toBeGreaterThan(0); // debug lines were captured: the search below means something
    expect(stack.logLines.join('\n')).not.toContain(admin.password);
    const s = await signIn(admin.username, admin.password);
    expect(s.answer.status).toBe(201);
    expect(s.body).toMatchObject({ kind: 'person', admin: true, person: { username: 'admin', unit: null }, roles: [{ role: 'admin', unit: null }] });
    expect(s.body.units.map((u: any) => u.code)).toEqual(expect.arrayContaining(['000.00.00.H00', '100.00.00.P01', '100.01.01.W01']));
  });

  it('sign-in sets an HttpOnly, SameSite=Strict cookie, Secure (__Host-) behind a TLS proxy; sign-out ends it', async () => {
    const plain = await signIn(admin.username, admin.password);
    expect(plain.setCookie).toMatch(/^sohoa_session=[A-Za-z0-9_-]{43}; Path=\/; Expires=.+; HttpOnly; SameSite=Strict$/);
    expect(plain.setCookie).not.toMatch(/Secure/);
    const tls = await signIn(admin.username, admin.password, { 'x-forwarded-proto': 'https' });
    expect(tls.setCookie).toMatch(/^__Host-sohoa_session=[A-Za-z0-9_-]{43}; Path=\/; Expires=.+; HttpOnly; Secure; SameSite=Strict$/);
    expect(plain.answer.body).not.toHaveProperty('password');

    const me = await call('GET', '/session', { session: plain, csrf: false });
    expect(me.status).toBe(200);
    expect(me.body.csrfToken).toBe(plain.csrf);
    expect((await call('DELETE', '/session', { session: plain })).status).toBe(204);
    expect((await call('GET', '/session', { session: plain })).status).toBe(401);
    expect((await call('GET', '/units', { session: tls })).status).toBe(200); // the other session lives on
  });

  it('refuses a state-changing request by cookie without the session\'s CSRF token; bearer requests need none', async () => {
    const s = await signIn(admin.username, admin.password);
    const missing = await call('POST', '/units', { session: s, csrf: false, body: { code: '300.00.00.C01', name: 'CSRF' } });
    expect(missing.status).toBe(403);
    expect(missing.body.error.code).toBe('csrf');
    const wrong = await call('POST', '/units', { session: s, csrf: false, headers: { 'x-csrf-token': 'x'.repeat(43) }, body: { code: '300.00.00.C01', name: 'CSRF' } });
    expect(wrong.status).toBe(403);
    expect((await call('GET', '/units', { session: s, csrf: false })).body.units.map((u: any) => u.code)).not.toContain('300.00.00.C01');
    expect((await call('POST', '/units', { session: s, body: { code: '300.00.00.C01', name: 'CSRF' } })).status).toBe(201);
    expect((await call('POST', '/units', { token: stack.token, body: { code: '300.00.00.C02', name: 'Bearer', parent: '300.00.00.C01' } })).status).toBe(201);
    expect((await call('GET', '/units', { token: 'sohoa_nonsense' })).status).toBe(401);
    expect((await call('GET', '/units')).status).toBe(401);
  });

  it('locks a name after 5 failures (429 + Retry-After) alike for known and unknown names; a reset lets the person in', async () => {
    const created = await addPerson('locked.clerk', '100.01.01.W01', ['clerk']);
    expect(created.status).toBe(201);
    const password = created.body.password;
    for (const name of ['locked.clerk', 'nobody.at.all']) {
      for (let i = 0; i < 5; i++) {
        const wrong = await signIn(name, 'wrong password 123');
        expect([wrong.answer.status, wrong.answer.body.error.message]).toEqual([401, 'wrong username or password']);
      }
      const locked = await signIn(name, name === 'locked.clerk' ? password : 'whatever it is');
      expect(locked.answer.status).toBe(429);
      expect(Number(locked.answer.headers.get('retry-after'))).toBeGreaterThan(800);
      expect(Number(locked.answer.headers.get('retry-after'))).toBeLessThanOrEqual(900);
      expect(locked.answer.body.error.message).toBe('too many sign-in attempts: try again later');
    }
    const listed = (await call('GET', '/people?unit=100.01.01.W01', { token: stack.token })).body.people.find((p: any) => p.username === 'locked.clerk');
    expect(listed.lockedUntil).not.toBeNull();

    const reset = await call('POST', `/people/${created.body.person.id}/reset-password`, { token: stack.token });
    expect(reset.status).toBe(200);
    expect((await signIn('locked.clerk', password)).answer.status).toBe(401); // the old one is gone
    expect((await signIn('LOCKED.clerk', reset.body.password)).answer.status).toBe(201); // usernames ignore case
  });

  it('rate-limits sign-ins per address and name: the 11th within a minute is refused even when right', async () => {
    const created = await addPerson('busy.clerk', '100.01.01.W01', ['clerk']);
    for (let i = 0; i < 10; i++) expect((await signIn('busy.clerk', created.body.password)).answer.status).toBe(201);
    const limited = await signIn('busy.clerk', created.body.password);
    expect(limited.answer.status).toBe(429);
    expect(Number(limited.answer.headers.get('retry-after'))).toBeLessThanOrEqual(60);
  });

  it('a person changes their password under the policy; their other sessions end', async () => {
    const created = await addPerson('tran.thi.b', '100.01.02.W02', ['archivist']);
    const first = await signIn('tran.thi.b', created.body.password);
    const second = await signIn('tran.thi.b', created.body.password);
    const change = (session: Session, currentPassword: string, newPassword: string) => call('PUT', '/session/password', { session, body: { currentPassword, newPassword } });
    const weak = await change(first, created.body.password, 'short');
    expect([weak.status, weak.body.error.code]).toEqual([422, 'weak-password']);
    expect(weak.body.error.message).toMatch(/at least 12 characters/);
    expect((await change(first, created.body.password, 'tran.thi.b-2026-x')).body.error.message).toMatch(/must not contain the username/);
    expect((await change(first, created.body.password, 'password1234')).body.error.message).toMatch(/tried first by attackers/);
    expect((await change(first, 'not my password', 'hoa sen nở giữa hồ 9')).status).toBe(403);
    expect((await change(first, created.body.password, 'hoa sen nở giữa hồ 9')).status).toBe(204);
    expect((await call('GET', '/session', { session: first })).status).toBe(200);
    expect((await call('GET', '/session', { session: second })).status).toBe(401);
    expect((await signIn('tran.thi.b', 'hoa sen nở giữa hồ 9')).answer.status).toBe(201);
  });

  it('a unit-admin manages people and keys of its subtree only, and never grants admin', async () => {
    const created = await addPerson('district.admin', '100.01.00.D01', ['unit-admin']);
    const s = await signIn('district.admin', created.body.password);
    expect(s.body.units.map((u: any) => u.code)).toEqual(['100.01.00.D01', '100.01.01.W01', '100.01.02.W02']);

    const wardClerk = await addPerson('ward2.clerk', '100.01.02.W02', ['clerk'], { session: s });
    expect(wardClerk.status).toBe(201);
    expect((await addPerson('other.clerk', '200.00.00.X01', ['clerk'], { session: s })).status).toBe(404);
    const grantAdmin = await call('POST', `/people/${wardClerk.body.person.id}/roles`, { session: s, body: { role: 'admin' } });
    expect(grantAdmin.status).toBe(403);
    const outside = await call('POST', `/people/${wardClerk.body.person.id}/roles`, { session: s, body: { role: 'clerk', unit: '200.00.00.X01' } });
    expect(outside.status).toBe(404);
    const inside = await call('POST', `/people/${wardClerk.body.person.id}/roles`, { session: s, body: { role: 'clerk', unit: '100.01.01.W01' } });
    expect(inside.body.roles).toEqual(expect.arrayContaining([{ role: 'clerk', unit: '100.01.01.W01' }, { role: 'clerk', unit: '100.01.02.W02' }]));
    const listed = (await call('GET', '/people', { session: s })).body.people.map((p: any) => p.username);
    expect(listed).toContain('ward2.clerk');
    expect(listed).not.toContain('admin');
    const adminId = (await call('GET', '/session', { token: stack.token })).body; // a token: no person
    expect(adminId.kind).toBe('token');
    const adminPerson = (await call('GET', '/people', { token: stack.token })).body.people.find((p: any) => p.username === 'admin');
    expect((await call('POST', `/people/${adminPerson.id}/reset-password`, { session: s })).status).toBe(404);

    // The ward clerk sees its wards only, and may manage nothing.
    const clerk = await signIn('ward2.clerk', wardClerk.body.password);
    expect(clerk.body.units.map((u: any) => u.code)).toEqual(['100.01.01.W01', '100.01.02.W02']);
    expect((await call('GET', '/people', { session: clerk })).status).toBe(403);

    // Taken back: the role at the other ward goes, the one at the clerk's own ward stays.
    const revoked = await call('POST', `/people/${wardClerk.body.person.id}/roles/revoke`, { session: s, body: { role: 'clerk', unit: '100.01.01.W01' } });
    expect(revoked.body.roles).toEqual([{ role: 'clerk', unit: '100.01.02.W02' }]);
    const shown = await call('GET', `/people/${wardClerk.body.person.id}`, { session: s });
    expect(shown.body).toMatchObject({ username: 'ward2.clerk', unit: '100.01.02.W02', roles: [{ role: 'clerk', unit: '100.01.02.W02' }], disabled: false });

    expect((await call('POST', '/keys', { session: s, body: { name: 'ward feed', units: ['100.01.01.W01'], scopes: ['records:read'] } })).status).toBe(201);
    expect((await call('POST', '/keys', { session: s, body: { name: 'elsewhere', units: ['200.00.00.X01'], scopes: ['records:read'] } })).status).toBe(404);
    expect((await call('GET', '/keys', { session: s })).body.keys.map((k: any) => k.name)).toEqual(['ward feed']);

    // Disabled: the session ends at once and sign-in is refused.
    expect((await call('POST', `/people/${wardClerk.body.person.id}/disable`, { session: s })).body.disabled).toBe(true);
    expect((await call('GET', '/session', { session: clerk })).status).toBe(401);
    expect((await signIn('ward2.clerk', wardClerk.body.password)).answer.status).toBe(403);
  });

  it('API keys: scopes at exactly their units, shown once, expiry, revocation and last use', async () => {
    const made = await call('POST', '/keys', { token: stack.token, body: { name: 'records feed', units: ['100.01.01.W01', '100.01.02.W02'], scopes: ['records:read', 'reuse:read'] } });
    expect(made.status).toBe(201);
    const secret: string = made.body.secret;
    expect(secret).toMatch(/^sohoa_key_[A-Za-z0-9_-]{43}$/);
    expect(made.body.key).toMatchObject({ owner: '100.01.01.W01', units: ['100.01.01.W01', '100.01.02.W02'], status: 'active', lastUsedAt: null });
    const listed = (await call('GET', '/keys', { token: stack.token })).body.keys.find((k: any) => k.id === made.body.key.id);
    expect(JSON.stringify(listed)).not.toContain(secret.slice(16));
    const { rows } = await stack.runtime.db.query('SELECT key_sha256 FROM api_keys WHERE id = $1', [made.body.key.id]);
    expect(rows[0].key_sha256).not.toContain(secret.slice(10));

    const me = await call('GET', '/session', { token: secret, headers: { 'x-purpose': encodeURIComponent('thống kê hộ tịch') } });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ kind: 'key', name: 'records feed', permissions: ['records:read', 'reuse:read'], purpose: 'thống kê hộ tịch' });
    expect(me.body.units.map((u: any) => u.code)).toEqual(['100.01.01.W01', '100.01.02.W02']);
    expect((await call('GET', '/people', { token: secret })).status).toBe(403);
    expect((await call('POST', '/units', { token: secret, body: { code: '999.1', name: 'no' } })).status).toBe(403);
    const used = (await call('GET', '/keys', { token: stack.token })).body.keys.find((k: any) => k.id === made.body.key.id);
    expect(Date.now() - Date.parse(used.lastUsedAt)).toBeLessThan(60_000);

    // A key with a reuse scope must say why it reads: the reuse routes refuse it without X-Purpose.
    const silent = await call('GET', '/reuse/results?owner=001203000123', { token: secret });
    expect([silent.status, silent.body.error.code]).toEqual([428, 'purpose-required']);
    const said = await call('GET', '/reuse/results?owner=001203000123', { token: secret, headers: { 'x-purpose': encodeURIComponent('thống kê') } });
    expect(said.status).toBe(200);
    const plain = await call('POST', '/keys', { token: stack.token, body: { name: 'no reuse', units: ['100.01.01.W01'], scopes: ['records:read'] } });
    const badScope = await call('POST', '/keys', { token: stack.token, body: { name: 'x', units: ['100.01.01.W01'], scopes: ['people:manage'] } });
    expect([badScope.status, badScope.body.error.message]).toEqual([422, expect.stringMatching(/scopes: one or more of batches:read/)]);

    await stack.runtime.db.query("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1", [plain.body.key.id]);
    expect((await call('GET', '/session', { token: plain.body.secret })).status).toBe(401);
    expect((await call('POST', `/keys/${made.body.key.id}/revoke`, { token: stack.token })).body.status).toBe('revoked');
    const revoked = await call('GET', '/session', { token: secret });
    expect([revoked.status, revoked.body.error.code]).toEqual([401, 'unauthorized']);
  });

  it('a key revoked outside the API (the CLI, another process) stops working within AUTH_CACHE_SECONDS (2 s here)', async () => {
    const made = await call('POST', '/keys', { token: stack.token, body: { name: 'cached feed', units: ['100.01.01.W01'], scopes: ['records:read'] } });
    const secret: string = made.body.secret;
    expect((await call('GET', '/units', { token: secret })).status).toBe(200); // checked once, then believed
    await stack.runtime.db.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [made.body.key.id]);
    const revokedAt = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - revokedAt < 10_000) {
      status = (await call('GET', '/units', { token: secret })).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(401);
    expect(Date.now() - revokedAt).toBeLessThan(2_000 + 1_500); // the window, and a slow machine's answer
  });

  it('a role changed through the API is seen by the very next request, and every cached bearer is checked again at once', async () => {
    const person = await addPerson('role.change', '100.01.01.W01', ['clerk']);
    const s = await signIn('role.change', person.body.password);
    const roles = async () => (await call('GET', '/session', { session: s })).body.roles.map((r: any) => `${r.role}@${r.unit}`).sort();
    expect(await roles()).toEqual(['clerk@100.01.01.W01']);
    // A key checked once (GET /units: the API's routes use the cache, the session routes ask every time) and then revoked outside the API is still believed from the cache (the window is 2 s here)…
    const made = await call('POST', '/keys', { token: stack.token, body: { name: 'watched feed', units: ['100.01.01.W01'], scopes: ['records:read'] } });
    expect((await call('GET', '/units', { token: made.body.secret })).status).toBe(200);
    await stack.runtime.db.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [made.body.key.id]);
    expect((await call('GET', '/units', { token: made.body.secret })).status).toBe(200);

    expect((await call('POST', `/people/${person.body.person.id}/roles`, { token: stack.token, body: { role: 'archivist', unit: '100.01.01.W01' } })).status).toBe(200);
    expect(await roles()).toEqual(['archivist@100.01.01.W01', 'clerk@100.01.01.W01']);
    // …until the role change: the cache is forgotten, so the key's next request asks the database.
    expect((await call('GET', '/units', { token: made.body.secret })).status).toBe(401);

    const other = await call('POST', '/keys', { token: stack.token, body: { name: 'watched feed 2', units: ['100.01.01.W01'], scopes: ['records:read'] } });
    expect((await call('GET', '/units', { token: other.body.secret })).status).toBe(200);
    await stack.runtime.db.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [other.body.key.id]);
    expect((await call('POST', `/people/${person.body.person.id}/roles/revoke`, { token: stack.token, body: { role: 'clerk', unit: '100.01.01.W01' } })).status).toBe(200);
    expect(await roles()).toEqual(['archivist@100.01.01.W01']);
    expect((await call('GET', '/units', { token: other.body.secret })).status).toBe(401);
  });

  it('imports units from JSON and refuses a CSV with a bad row whole, naming the row', async () => {
    const before = (await call('GET', '/units', { token: stack.token })).body.units.length;
    const bad = await call('POST', '/units/import', { token: stack.token, text: 'code,name,parent\n400.00.00.A01,Good,\n400.00.01.B01,,400.00.00.A01\n' });
    expect([bad.status, bad.body.error.message]).toEqual([422, 'row 2: unit 400.00.01.B01 has no name']);
    const cycle = await call('POST', '/units/import', { token: stack.token, body: [{ code: '400.00.00.A01', name: 'A', parent: '400.00.01.B01' }, { code: '400.00.01.B01', name: 'B', parent: '400.00.00.A01' }] });
    expect([cycle.status, cycle.body.error.message]).toEqual([422, expect.stringMatching(/^row 1: unit 400.00.00.A01 would be below itself/)]);
    expect((await call('GET', '/units', { token: stack.token })).body.units.length).toBe(before);

    const good = await call('POST', '/units/import', { token: stack.token, body: [{ code: '400.00.01.B01', name: 'Xã B', parent: '400.00.00.A01' }, { code: '400.00.00.A01', name: 'Huyện A' }, { code: '100.01.02.W02', name: 'Phường Hai', parent: '100.01.00.D01', kind: 'ward' }] });
    expect(good.body).toEqual({ created: 2, updated: 1, units: 3 });
    const tree = (await call('GET', '/units', { token: stack.token })).body.units;
    expect(tree.find((u: any) => u.code === '400.00.01.B01')).toEqual({ code: '400.00.01.B01', name: 'Xã B', parent: '400.00.00.A01', kind: null, depth: 1 });
    expect(tree.find((u: any) => u.code === '100.01.02.W02')).toMatchObject({ name: 'Phường Hai', depth: 2 });
    const s = await signIn(admin.username, admin.password);
    expect((await call('POST', '/units/import', { session: s, csrf: false, body: [{ code: '500.1', name: 'x' }] })).status).toBe(403);
  });

  describe('sohoa units|users|keys (the CLI as its own process)', () => {
    const sohoa = path.join(repoRoot, 'bin', 'sohoa.js');
    const cli = (args: string[], env: Record<string, string>) => {
      const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(DATABASE_URL|DATA_DIR|S3_)/.test(k))) as Record<string, string>;
      return run('node', [sohoa, ...args], { env: { ...base, LOG_LEVEL: 'warn', ...env } }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (err) => ({ code: err.code as number, stdout: err.stdout as string, stderr: err.stderr as string }),
      );
    };
    const lastLine = (out: string) => out.trim().split('\n').at(-1)!;

    it('users add prints a password that signs in; keys create\'s last line is a working key', async () => {
      const env = { DATABASE_URL: stack.runtime.databaseUrl };
      const added = await cli(['users', 'add', '--unit', '100.01.01.W01', '--role', 'clerk', '--username', 'cli.clerk'], env);
      expect(added.code, added.stderr).toBe(0);
      expect(added.stdout).toContain('person cli.clerk added at 100.01.01.W01: clerk');
      expect((await signIn('cli.clerk', lastLine(added.stdout))).answer.status).toBe(201);

      const key = await cli(['keys', 'create', '--name', 'cổng dịch vụ công', '--units', '100.01.01.W01,100.01.02.W02', '--scopes', 'records:read,batches:write'], env);
      expect(key.code, key.stderr).toBe(0);
      const me = await call('GET', '/session', { token: lastLine(key.stdout) });
      expect(me.body).toMatchObject({ kind: 'key', name: 'cổng dịch vụ công', permissions: ['batches:write', 'records:read'] });
      expect(me.body.units.map((u: any) => u.code)).toEqual(['100.01.01.W01', '100.01.02.W02']);
    });

    it('units import reaches the running server\'s embedded PostgreSQL through DATA_DIR; a bad row imports nothing', async () => {
      const env = { DATA_DIR: stack.dataDir };
      const file = path.join(stack.dataDir, 'units.csv');
      await fs.writeFile(file, 'code,name,parent\n600.01.00.W01,Phường A,600.00.00.Q01\nnot a code,Phường B,600.00.00.Q01\n600.00.00.Q01,Quận Sáu,100.00.00.P01\n');
      const bad = await cli(['units', 'import', file], env);
      expect([bad.code, bad.stderr.trim()]).toEqual([1, expect.stringMatching(/^sohoa units: row 2: code "not a code": a unit code is/)]);
      expect((await call('GET', '/units', { token: stack.token })).body.units.filter((u: any) => u.code.startsWith('600.'))).toEqual([]);
      await fs.writeFile(file, 'code,name,parent\n600.01.00.W01,Phường A,600.00.00.Q01\n600.00.00.Q01,Quận Sáu,100.00.00.P01\n');
      const good = await cli(['units', 'import', file], env);
      expect(good.stdout, good.stderr).toContain('2 unit(s) read: 2 created, 0 updated');
      const tree = (await call('GET', '/units', { token: stack.token })).body.units;
      expect(tree.filter((u: any) => u.code.startsWith('600.')).map((u: any) => [u.code, u.parent])).toEqual([['600.00.00.Q01', '100.00.00.P01'], ['600.01.00.W01', '600.00.00.Q01']]);
      expect((await fetch(`${stack.url}/healthz`)).status).toBe(200); // the server's PostgreSQL was used, not stopped
    });
  });
});
