import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, createLogger, grantsOfRoles, unitRepository, importCatalog, migrate, withTransaction, type Caller, type Db } from '@sohoa/shared';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '@sohoa/embedded';
import { TooManyResults, addAllRecordWords, reclassifyRecordJob, searchRecordIds, searchRecords, type SearchOptions } from '@sohoa/archive-api';
import { CATALOG_PATH } from '@sohoa/samples';
import { searchRoutes } from '../src/http/search.routes.ts';
import { errorHandler } from '../src/http/errors.ts';
import { expectResponseConforms } from './helpers/contract-check.ts';
import { insertFixtureRecords } from './helpers/search-fixtures.ts';

/** Search over records in a real PostgreSQL (migrated as sohoa migrates it), through the repository and the HTTP route. */
describe('record search', () => {
  let dir: string;
  let pg: EmbeddedPostgresHandle;
  let db: Db;
  let u1: string, u2: string;
  const ids: Record<string, string> = {};
  let server: import('node:http').Server;
  let base: string;
  let caller: Caller;

  const search = (o: Partial<SearchOptions>) => searchRecords(db, { units: null, ...o });
  /** fetch, with the answer checked against its route's contract (the OpenAPI document). */
  const fetch = async (url: string, init: RequestInit = {}) => {
    const response = await globalThis.fetch(url, init);
    await expectResponseConforms(init.method ?? 'GET', url, response);
    return response;
  };
  const found = async (o: Partial<SearchOptions>) => (await search(o)).items.map((i) => i.id).sort();
  const only = (...names: string[]) => names.map((n) => ids[n]).sort();

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sohoa-search-'));
    await fs.chmod(dir, 0o711);
    pg = await startEmbeddedPostgres(path.join(dir, 'postgres'), () => {});
    await migrate(pg.databaseUrl);
    db = createDb(pg.databaseUrl, 3);
    u1 = await unitRepository.createUnit(db, { code: '000.00.00.H01', name: 'UBND phường Một' });
    u2 = await unitRepository.createUnit(db, { code: '000.00.00.H02', name: 'UBND phường Hai' });
    const land = 'GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU NHÀ Ở\nThửa đất số 12, tờ bản đồ số 7, tỉnh Đắk Lắk';
    const fixtures = {
      land: { unitId: u1, title: 'Giấy chứng nhận quyền sử dụng đất', procedure: 'XD', component: 'XD-GCN', owner: '001203004567', createdAt: '2024-03-05T03:00:00Z',
        pages: ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP XÂY DỰNG', land], retentionYears: 20, retainUntil: '2044-12-31' },
      birth: { unitId: u1, title: 'Tờ khai đăng ký khai sinh', procedure: 'KS', component: 'KS-TK', owner: '001099001111', fullName: 'Nguyễn Văn Đức', createdAt: '2025-06-01T03:00:00Z',
        pages: ['TỜ KHAI ĐĂNG KÝ KHAI SINH\nHọ và tên người yêu cầu: Nguyễn Văn Đức'], legalHold: true },
      apart: { unitId: u1, title: 'Biên bản', procedure: 'KS', component: 'KS-UQ', createdAt: '2025-06-02T03:00:00Z',
        pages: ['Người nhận hồ sơ ký tên. Hồ sơ có chứng thực bản sao'], retentionYears: 5, retainUntil: '2020-12-31', dueSince: '2021-01-01' },
      other: { unitId: u2, title: 'Giấy chứng nhận quyền sử dụng đất', procedure: 'XD', component: 'XD-GCN', createdAt: '2025-01-01T03:00:00Z', pages: [land] },
    };
    for (const [name, f] of Object.entries(fixtures)) [ids[name]] = await insertFixtureRecords(db, [f]);
    await addAllRecordWords(db);

    caller = { kind: 'person', id: 'p1', name: 'clerk1', unitId: u1, admin: false, grants: grantsOfRoles([{ role: 'clerk', unitId: u1 }], []) };
    const app = express();
    app.use((_req, res, next) => void ((res.locals.caller = caller), next()));
    app.use('/api/v1', searchRoutes({ db }));
    app.use(errorHandler(createLogger('silent')));
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  }, 120_000);

  afterAll(async () => {
    server?.close();
    await db?.end();
    await pg?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('finds "Giấy chứng nhận" typed without diacritics, in any case', async () => {
    expect(await found({ q: 'giay chung nhan' })).toEqual(only('land', 'other'));
    expect(await found({ q: 'GIẤY CHỨNG NHẬN' })).toEqual(only('land', 'other'));
  });

  it('matches đ and d both ways', async () => {
    expect(await found({ q: 'Duc' })).toEqual(only('birth'));
    expect(await found({ q: 'đức' })).toEqual(only('birth'));
    expect(await found({ q: 'dak lak' })).toEqual(only('land', 'other'));
  });

  it('finds a word typed with a single slip, and not a word two slips away', async () => {
    expect(await found({ q: 'chúng nhân' })).toEqual(only('land', 'other', 'apart')); // diacritics wrong: folded away
    expect(await found({ q: 'giấy chứmg nhận quyền' })).toEqual(only('land', 'other')); // m for n: one slip
    expect(await found({ q: 'quyềm' })).toEqual(only('land', 'other'));
    expect(await found({ q: 'chxmg' })).toEqual([]);
  });

  it('keeps a quoted phrase together and in order', async () => {
    expect(await found({ q: '"chứng nhận"' })).toEqual(only('land', 'other'));
    expect(await found({ q: '"nhận chứng"' })).toEqual([]);
    expect(await found({ q: 'nhận chứng' })).toEqual(only('land', 'other', 'apart'));
  });

  it('completes a prefix', async () => {
    expect(await found({ q: 'khai sin*' })).toEqual(only('birth'));
    expect(await found({ q: 'quyề*' })).toEqual(only('land', 'other'));
    expect(await found({ q: 'Đăn*' })).toEqual(only('birth')); // đăng ký: đ is d in a prefix too
  });

  it('finds codes and owner identifiers whole', async () => {
    expect(await found({ q: '001203004567' })).toEqual(only('land'));
    expect(await found({ q: '000.00.00.H00-251121-0001' })).toHaveLength(4);
  });

  it('returns snippets with the page each hit is on, marked and HTML-safe', async () => {
    const { items } = await search({ q: 'giay chung nhan', units: [u1] });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ id: ids.land, title: 'Giấy chứng nhận quyền sử dụng đất', component: 'XD-GCN', unit: '000.00.00.H01', retainUntil: '2044-12-31', onHold: false });
    // Page 1 says "GIẤY PHÉP" (giấy only), page 2 the whole phrase: both hold a word, the phrase page first by rank.
    expect(items[0]!.snippets.map((s) => s.page).sort()).toEqual([1, 2]);
    const page2 = items[0]!.snippets.find((s) => s.page === 2)!;
    expect(page2.text).toContain('<mark>GIẤY</mark> <mark>CHỨNG</mark> <mark>NHẬN</mark>');
    const { items: birth } = await search({ q: 'Đức' });
    expect(birth[0]!.snippets).toEqual([{ page: 1, text: expect.stringContaining('Nguyễn Văn <mark>Đức</mark>') }]);
  });

  it('filters by procedure, component, owner, dates, retention, hold and due disposition', async () => {
    expect(await found({ procedure: 'KS' })).toEqual(only('birth', 'apart'));
    expect(await found({ component: 'XD-GCN', unit: '000.00.00.H01' })).toEqual(only('land'));
    expect(await found({ owner: '001099001111' })).toEqual(only('birth'));
    expect(await found({ from: '2025-01-01', to: '2025-06-01' })).toEqual(only('birth', 'other'));
    expect(await found({ retention: 'permanent' })).toEqual(only('birth', 'other'));
    expect(await found({ retention: 20 })).toEqual(only('land'));
    expect(await found({ onHold: true })).toEqual(only('birth'));
    expect(await found({ dueForDisposition: true })).toEqual(only('apart'));
    expect(await found({ q: 'chung nhan', procedure: 'KS' })).toEqual(only('apart'));
  });

  it('counts facets by unit, procedure, component and year', async () => {
    const { facets } = await search({ q: 'giay' });
    expect(facets.unit).toEqual([{ value: '000.00.00.H01', count: 1 }, { value: '000.00.00.H02', count: 1 }]);
    expect(facets.procedure).toEqual([{ value: 'XD', count: 2 }]);
    expect(facets.component).toEqual([{ value: 'XD-GCN', count: 2 }]);
    expect(facets.year).toEqual([{ value: '2024', count: 1 }, { value: '2025', count: 1 }]);
    expect(facets).toMatchObject({ counted: 2, complete: true });
  });

  it('pages through results with a stable cursor, in either order', async () => {
    const many = Array.from({ length: 23 }, (_, i) => ({
      unitId: u2, title: `Phiếu ${i}`, procedure: 'CT', pages: [`phiếu yêu cầu chứng thực ${'bản sao '.repeat(i % 5)}`], createdAt: `2025-02-${String((i % 9) + 1).padStart(2, '0')}T03:00:00Z`,
    }));
    const all = (await insertFixtureRecords(db, many)).sort();
    for (const sort of ['relevance', 'date'] as const) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: Awaited<ReturnType<typeof search>> = await search({ q: 'phieu', procedure: 'CT', sort, limit: 10, cursor });
        seen.push(...res.items.map((i) => i.id));
        cursor = res.next;
        pages++;
      } while (cursor && pages < 10);
      expect(pages, sort).toBe(3);
      expect([...seen].sort(), sort).toEqual(all);
    }
  });

  it('over HTTP: answers the contract shape and never shows another unit’s records', async () => {
    const res = await fetch(`${base}/records?q=giay+chung+nhan`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(Object.keys(body).sort()).toEqual(['facets', 'items', 'next']);
    expect(body.items.map((i: { id: string }) => i.id)).toEqual([ids.land]);
    expect(Object.keys(body.items[0]).sort()).toEqual(['component', 'dossier', 'id', 'onHold', 'retainUntil', 'snippets', 'title', 'unit']);
    expect(body.facets.unit).toEqual([{ value: '000.00.00.H01', count: 1 }]);
    const other = await (await fetch(`${base}/records?unit=000.00.00.H02`)).json();
    expect(other.items).toEqual([]);
    expect((await fetch(`${base}/records?sort=sideways`)).status).toBe(422);
    expect((await fetch(`${base}/records?cursor=bm90LWEtY3Vyc29y`)).status).toBe(200); // an unreadable cursor starts over
  });

  it('keeps saved searches per person', async () => {
    const post = (name: string, query: object) =>
      fetch(`${base}/saved-searches`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, query }) });
    const saved = await (await post('đất đai', { q: 'giay chung nhan', procedure: 'XD' })).json();
    expect(saved).toMatchObject({ name: 'đất đai', query: { q: 'giay chung nhan', procedure: 'XD' } });
    expect((await post('bad', { sort: 'sideways' })).status).toBe(422);
    expect((await (await fetch(`${base}/saved-searches`)).json()).searches.map((s: { name: string }) => s.name)).toEqual(['đất đai']);
    const me = caller;
    caller = { ...me, id: 'p2', name: 'clerk2' };
    expect((await (await fetch(`${base}/saved-searches`)).json()).searches).toEqual([]);
    expect((await fetch(`${base}/saved-searches/${saved.id}`, { method: 'DELETE' })).status).toBe(404);
    caller = me;
    expect((await fetch(`${base}/saved-searches/${saved.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await (await fetch(`${base}/saved-searches`)).json()).searches).toEqual([]);
  });

  it('finds a record by its new component name once record.reclassify commits', async () => {
    const { versionId } = await importCatalog(db, await fs.readFile(CATALOG_PATH));
    const dossierId = (await db.query(`INSERT INTO dossiers (code, unit_id, procedure_code, catalog_version_id) VALUES ('000.00.00.H01-251121-0099', $1, 'KS', $2) RETURNING id`, [u1, versionId])).rows[0].id;
    const component = (await db.query(`SELECT code, name FROM components WHERE catalog_version_id = $1 AND procedure_code = 'KS' AND code <> 'KS-TK' ORDER BY position LIMIT 1`, [versionId])).rows[0];
    // The document the record came from (its batch is not needed here: foreign keys unchecked for this insert).
    const documentId = await withTransaction(db, async (tx) => {
      await tx.query('SET LOCAL session_replication_role = replica');
      const { rows } = await tx.query(
        `INSERT INTO documents (batch_id, dossier_id, page_ids, status, component_code, procedure_code) VALUES (gen_random_uuid(), $1, '{}', 'archived', $2, 'KS') RETURNING id`,
        [dossierId, component.code],
      );
      return rows[0].id as string;
    });
    const [recordId] = await insertFixtureRecords(db, [{ unitId: u1, title: 'Tài liệu', procedure: 'KS', component: 'KS-TK', componentName: 'Tờ khai', documentId, dossierId, pages: ['trang trắng'] }]);
    const byName = () => found({ q: `"${component.name}"`, units: [u1], procedure: 'KS', component: component.code });
    expect(await byName()).toEqual([]);
    await expect(reclassifyRecordJob({ db }).run({ documentId })).resolves.toMatchObject({ status: 'done' });
    expect(await byName()).toEqual([recordId]);
  });

  it('never finds a disposed record, in the results, the facets or a search export', async () => {
    const [kept, disposed] = await insertFixtureRecords(db, [
      { unitId: u2, title: 'Biên bản kiểm kê kho', procedure: 'TT', pages: ['biên bản kiểm kê tài sản'] },
      { unitId: u2, title: 'Biên bản kiểm kê kho', procedure: 'TT', pages: ['biên bản kiểm kê tài sản'] },
    ]);
    // As the disposition job leaves it (archive.repository markDisposed): the row is its tombstone, the text gone.
    await db.query(`UPDATE records SET disposed_at = now(), due_since = NULL, text = '' WHERE id = $1`, [disposed]);
    expect(await found({ q: 'kiem ke' })).toEqual([kept]);
    expect(await found({ procedure: 'TT' })).toEqual([kept]);
    const { facets } = await search({ q: 'kiểm kê kho' });
    expect(facets).toMatchObject({ counted: 1, procedure: [{ value: 'TT', count: 1 }] });
    expect(await searchRecordIds(db, { q: 'kiem ke', units: null }, 10)).toEqual([kept]);
  });

  it('due for disposition is what the nightly scan listed (due_since), not any past retain-until', async () => {
    const [listed, keptByLead] = await insertFixtureRecords(db, [
      { unitId: u2, title: 'Sổ theo dõi', procedure: 'SD', pages: ['sổ theo dõi'], retentionYears: 5, retainUntil: '2020-12-31', dueSince: '2026-01-02' },
      // Its term is over too, but the archive lead kept it (keepUntil clears due_since): not due.
      { unitId: u2, title: 'Sổ theo dõi', procedure: 'SD', pages: ['sổ theo dõi'], retentionYears: 5, retainUntil: '2020-12-31' },
    ]);
    expect(await found({ procedure: 'SD', dueForDisposition: true })).toEqual([listed]);
    expect(await found({ procedure: 'SD', dueForDisposition: false })).toEqual([keptByLead]);
    expect(await found({ q: 'so theo doi', dueForDisposition: true })).toEqual([listed]);
  });

  it('gives every match for an export, and refuses a set above the limit rather than cutting it', async () => {
    const all = await searchRecordIds(db, { q: 'giay chung nhan', units: null }, 10);
    expect([...all].sort()).toEqual(only('land', 'other'));
    expect(all).toEqual([ids.other, ids.land]); // newest first
    expect(await searchRecordIds(db, { q: 'giay chung nhan', units: [u1] }, 10)).toEqual([ids.land]);
    await expect(searchRecordIds(db, { q: 'giay chung nhan', units: null }, 1)).rejects.toBeInstanceOf(TooManyResults);
  });

  it('audits each search over HTTP: who, why, the query and the records it showed', async () => {
    const res = await fetch(`${base}/records?q=giay+chung+nhan&procedure=XD`, { headers: { 'x-purpose': encodeURIComponent('Tra cứu hồ sơ đất') } });
    expect(res.status).toBe(200);
    const { rows } = await db.query(`SELECT actor, purpose, subject_type, unit_id, detail FROM audit_events WHERE action = 'records.searched' ORDER BY id DESC LIMIT 1`);
    expect(rows[0]).toEqual({
      actor: 'user:clerk1', purpose: 'Tra cứu hồ sơ đất', subject_type: 'search', unit_id: u1,
      detail: { query: { q: 'giay chung nhan', procedure: 'XD' }, records: [ids.land] },
    });
    expect((await fetch(`${base}/records?sort=sideways`)).status).toBe(422);
    const { rows: [count] } = await db.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'records.searched' AND detail->'query'->>'sort' = 'sideways'`);
    expect(count.n).toBe(0); // a refused query showed nothing
  });
});
