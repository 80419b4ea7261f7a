/**
 * The digitization-rate report (docs/digitization-rate.md) over a hand-built mix of dossiers: a district with two
 * wards, dossiers received in October and November 2026 (Vietnam calendar), some complete, some missing a required
 * component, results digitized or not, some reused. Every figure is checked against a hand count, in JSON, CSV and
 * the inspectors' xlsx. Seeded through the repositories and the real record.archive job, no OCR.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchRepository, documentRepository, dossierRepository, objectKey, unitRepository } from '@sohoa/shared';
import { archiveRecordJob, recordReuses } from '@sohoa/archive-api';
import { apiKeys, operatorCaller, people, units } from '../src/accounts/index.ts';
import { expectResponseConforms } from './helpers/contract-check.ts';
import { repoRoot, run, startTestStack, type TestStack } from './helpers/stack.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const Q = '700.00.00.Q70';
const W1 = '700.01.00.P71';
const W2 = '700.02.00.P72';
const E = '800.00.00.Q80';

describe('digitization-rate report', () => {
  let stack: TestStack;
  let catalogVersion: number;
  const unitIds: Record<string, string> = {};
  let running = 0;
  /** Record ids of a dossier by component code. */
  type Seeded = { code: string; records: Record<string, string> };

  /**
   * A dossier of `unit` received at `receivedAt` (UTC instant), with a record archived (the real job) for each of
   * `archived`, and a document left in review (no record) for each of `inReview`.
   */
  async function dossier(unit: string, receivedAt: string, procedure: string | null, archived: string[], inReview: string[] = []): Promise<Seeded> {
    const { db, store } = stack.runtime;
    running += 1;
    const code = `${unit}-261101-${String(running).padStart(4, '0')}`;
    const dossierId = await dossierRepository.insertDossier(db, {
      code, codeSource: 'given', unitId: unitIds[unit]!, procedureCode: procedure, catalogVersionId: catalogVersion, receivedAt: new Date(receivedAt),
    });
    const batchId = randomUUID();
    await batchRepository.insertBatch(db, { id: batchId, unitId: unitIds[unit]!, dossierId, componentCode: null, source: 'upload', createdBy: 'test' });
    const records: Record<string, string> = {};
    for (const [position, component] of [...archived, ...inReview].entries()) {
      const documentId = randomUUID();
      const review = inReview.includes(component);
      await documentRepository.createFromSplit(db, {
        id: documentId, batchId, dossierId, position, kind: 'document', pageIds: [], blankPageIds: [], procedureCode: procedure, componentCode: component,
        title: component, confidence: review ? 0.3 : 1, runnerUp: null, explanation: [], fields: {}, needsReview: review, confirmedBy: review ? null : 'test',
      });
      if (review) continue;
      const signedKey = objectKey('work', 'signed', `${documentId}.pdf`);
      await store.put(signedKey, Buffer.from(`%PDF-1.4\n% ${component} of ${code}\n%%EOF\n`), { contentType: 'application/pdf' });
      await documentRepository.markBuilt(db, documentId, 0, objectKey('work', 'built', `${documentId}.pdf`));
      await documentRepository.markSigned(db, documentId, signedKey);
      const outcome = await archiveRecordJob({ db, store }).run({ documentId });
      if (outcome.status !== 'done') throw new Error(`archiving ${component} of ${code}: ${JSON.stringify(outcome)}`);
      records[component] = (await db.query<{ id: string }>('SELECT id FROM records WHERE document_id = $1', [documentId])).rows[0]!.id;
    }
    return { code, records };
  }

  const reuse = (recordId: string, kind: 'lookup' | 'download' | 'dossier', purpose = 'KS') =>
    recordReuses(stack.runtime.db, [{ recordId, kind, apiKeyId: null, actor: 'test:reuse', reusingUnitId: null, reusingDossierCode: kind === 'dossier' ? `${W2}-261201-0001` : null, purpose }]);

  async function signIn(username: string, password: string): Promise<Record<string, string>> {
    const r = await fetch(`${stack.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    const body = (await r.json()) as any;
    if (r.status !== 201) throw new Error(`signing ${username} in: ${r.status}`);
    return { cookie: /^([^=;]+=[^;]*)/.exec(r.headers.get('set-cookie') ?? '')![1]!, 'x-csrf-token': body.csrfToken };
  }
  async function person(role: 'unit-admin' | 'auditor' | 'clerk', unit: string): Promise<Record<string, string>> {
    const username = `${role}@${unit}`;
    const { password } = await people.createPerson(stack.runtime.db, operatorCaller(), { username, unitCode: unit, roles: [{ role }] });
    return signIn(username, password);
  }
  const admin = () => ({ authorization: `Bearer ${stack.token}` });
  /** GETs the report, checks the answer against its contract, and hands the response back. */
  async function report(query: string, headers: Record<string, string>, accept?: string): Promise<Response> {
    const url = `${stack.url}/api/v1/reports/digitization?${query}`;
    const response = await fetch(url, { headers: { ...headers, ...(accept ? { accept } : {}) } });
    await expectResponseConforms('GET', url, response);
    return response;
  }
  async function setTarget(unit: string, target: unknown, headers: Record<string, string>): Promise<Response> {
    const [method, url] = ['PUT', `${stack.url}/api/v1/units/${unit}/digitization-target`];
    const response = await fetch(url, { method, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ target }) });
    await expectResponseConforms(method, url, response);
    return response;
  }

  // The hand count (docs/digitization-rate.md's rules), dossier by dossier; VN = Vietnam time (UTC+7).
  //  W1 Oct  #1 KS  TK GCS + KS-KQ, KQ reused 3 times      complete  result  reused
  //          #2 KS  TK (+ optional UQ), GCS missing          -         -       -
  //          #3 KT  TK GBT + KT-KQ, not reused               complete  result  -
  //  W1 Nov  #4 KS  31/10 17:30 UTC = 1/11 00:30 VN: TK GCS + KS-KQ (later disposed), reused once
  //                                                          complete  result  reused
  //          #5 KS  TK GCS, no result                        complete  -       -
  //          #6 procedure not known yet, nothing archived    -         -       -
  //          #7 KT  TK archived, GBT still in review; TK reused (a component, not a result)
  //                                                          -         -       -
  //  W2 Oct  #8 KS  TK GCS + KS-KQ, reused                   complete  result  reused
  //          #9 KS  TK GCS                                   complete  -       -
  //  W2 Nov  #10 KT TK GBT + KT-KQ                           complete  result  -
  //          #11 KS nothing archived                         -         -       -
  //          #12 KS 30/11 17:00 UTC = 1/12 00:00 VN: December, outside the report
  //  Q  Nov  #13 KS TK GCS + KS-KQ                           complete  result  -
  //  Q  Sep  #14 KS 30/9 16:59:59 UTC = 30/9 23:59:59 VN: September, outside
  //  E  Oct  #15 KS complete: another district, never in Q's figures
  beforeAll(async () => {
    stack = await startTestStack({}, { workers: false });
    const { db } = stack.runtime;
    catalogVersion = (await db.query<{ id: number }>('SELECT max(id) AS id FROM catalog_versions')).rows[0]!.id;
    const operator = operatorCaller();
    await units.addUnit(db, operator, { code: Q, name: 'UBND quận Bảy', parent: null, kind: 'district' });
    await units.addUnit(db, operator, { code: W1, name: 'UBND phường Một', parent: Q, kind: 'ward' });
    await units.addUnit(db, operator, { code: W2, name: 'UBND phường Hai', parent: Q, kind: 'ward' });
    await units.addUnit(db, operator, { code: E, name: 'UBND quận Tám', parent: null, kind: 'district' });
    for (const code of [Q, W1, W2, E]) unitIds[code] = (await unitRepository.unitByCode(db, code))!.id;

    const d1 = await dossier(W1, '2026-10-02T02:00:00Z', 'KS', ['KS-TK', 'KS-GCS', 'KS-KQ']);
    await reuse(d1.records['KS-KQ']!, 'dossier');
    await reuse(d1.records['KS-KQ']!, 'lookup');
    await reuse(d1.records['KS-KQ']!, 'download');
    await dossier(W1, '2026-10-09T03:00:00Z', 'KS', ['KS-TK', 'KS-UQ']);
    await dossier(W1, '2026-10-20T08:00:00Z', 'KT', ['KT-TK', 'KT-GBT', 'KT-KQ']);
    const d4 = await dossier(W1, '2026-10-31T17:30:00Z', 'KS', ['KS-TK', 'KS-GCS', 'KS-KQ']);
    await reuse(d4.records['KS-KQ']!, 'lookup');
    // Disposed of later (its retention ended): it was digitized all the same. Only disposition writes this in
    // production; the test's time machine sets it (as helpers/records.ts backdates retention).
    await db.query('UPDATE records SET disposed_at = now() WHERE id = $1', [d4.records['KS-KQ']]);
    await dossier(W1, '2026-11-05T01:00:00Z', 'KS', ['KS-TK', 'KS-GCS']);
    await dossier(W1, '2026-11-10T01:00:00Z', null, []);
    const d7 = await dossier(W1, '2026-11-15T01:00:00Z', 'KT', ['KT-TK'], ['KT-GBT']);
    await reuse(d7.records['KT-TK']!, 'lookup', 'KT');
    const d8 = await dossier(W2, '2026-10-03T01:00:00Z', 'KS', ['KS-TK', 'KS-GCS', 'KS-KQ']);
    await reuse(d8.records['KS-KQ']!, 'lookup');
    await dossier(W2, '2026-10-25T01:00:00Z', 'KS', ['KS-GCS', 'KS-TK']);
    await dossier(W2, '2026-11-12T01:00:00Z', 'KT', ['KT-TK', 'KT-GBT', 'KT-KQ']);
    await dossier(W2, '2026-11-20T01:00:00Z', 'KS', []);
    await dossier(W2, '2026-11-30T17:00:00Z', 'KS', ['KS-TK', 'KS-GCS']);
    await dossier(Q, '2026-11-25T01:00:00Z', 'KS', ['KS-TK', 'KS-GCS', 'KS-KQ']);
    await dossier(Q, '2026-09-30T16:59:59Z', 'KS', ['KS-TK', 'KS-GCS']);
    await dossier(E, '2026-10-10T01:00:00Z', 'KS', ['KS-TK', 'KS-GCS']);
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const range = 'from=2026-10-01&to=2026-11-30';
  const month = `&${range}&groupBy=month`;
  // unit, period, received, componentsDigitized, resultsDigitized, reused, rate, resultsRate, reuseRate, target, met
  type Expected = [string, string, number, number, number, number, number | null, number | null, number | null, number, boolean | null];
  const asRow = ([unit, period, received, componentsDigitized, resultsDigitized, reused, rate, resultsRate, reuseRate, target, met]: Expected) =>
    ({ unit, period, received, componentsDigitized, resultsDigitized, reused, rate, resultsRate, reuseRate, target, met });
  const names: Record<string, string> = { [Q]: 'UBND quận Bảy', [W1]: 'UBND phường Một', [W2]: 'UBND phường Hai' };
  /** The hand count of the district and its wards by month, with W1's target 0.85 (set by the district) and W2's 0.9 (CLI). */
  const byMonth: Expected[] = [
    [Q, '2026-10', 5, 4, 3, 2, 0.8, 0.6, 0.6667, 0.8, true], // exactly at the target: met
    [Q, '2026-11', 7, 4, 3, 1, 0.5714, 0.4286, 0.3333, 0.8, false],
    [W1, '2026-10', 3, 2, 2, 1, 0.6667, 0.6667, 0.5, 0.85, false],
    [W1, '2026-11', 4, 2, 1, 1, 0.5, 0.25, 1, 0.85, false],
    [W2, '2026-10', 2, 2, 1, 1, 1, 0.5, 1, 0.9, true],
    [W2, '2026-11', 2, 1, 1, 0, 0.5, 0.5, 0, 0.9, false],
  ];

  it('sets targets from above only: the district\'s unit-admin for a ward, the operator\'s CLI; never a ward for itself', async () => {
    const districtAdmin = await person('unit-admin', Q);
    const wardAdmin = await person('unit-admin', W1);
    expect((await setTarget(W1, 0.85, wardAdmin)).status).toBe(403); // a ward has nothing below it
    expect((await setTarget(Q, 0.5, districtAdmin)).status).toBe(404); // not its own unit's
    expect((await setTarget(E, 0.5, districtAdmin)).status).toBe(404); // not another district's
    const refused = await setTarget(W1, 85, districtAdmin);
    expect([refused.status, ((await refused.json()) as any).error.fields]).toEqual([422, [{ field: 'target', message: 'at most 1 (a share, not a percentage)' }]]);
    const set = await setTarget(W1, 0.85, districtAdmin);
    expect([set.status, await set.json()]).toEqual([200, { unit: W1, target: 0.85, previous: 0.8 }]);
    const { rows } = await stack.runtime.db.query(`SELECT actor, detail FROM audit_events WHERE action = 'unit.target-set' AND unit_id = $1`, [unitIds[W1]]);
    expect(rows).toEqual([{ actor: `user:unit-admin@${Q}`, detail: { code: W1, target: 0.85, previous: 0.8 } }]);

    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(DATABASE_URL|DATA_DIR|S3_)/.test(k))) as Record<string, string>;
    const cli = await run('node', [path.join(repoRoot, 'bin', 'sohoa.js'), 'units', 'target', W2, '90%'], { env: { ...env, LOG_LEVEL: 'warn', DATABASE_URL: stack.runtime.databaseUrl } });
    expect(cli.stdout.trim()).toBe(`unit ${W2}: digitization target 0.9 (was 0.8)`);
  }, 120_000);

  it('counts the district and its wards by month, rolled up, as the hand count says (JSON)', async () => {
    const response = await report(`unit=${Q}${month}`, admin());
    expect(response.status).toBe(200);
    const { rows } = (await response.json()) as any;
    expect(rows).toEqual(byMonth.map((e) => ({ ...asRow(e), unitName: names[e[0]] })));
  });

  it('gives the same figures as CSV when asked with Accept: text/csv', async () => {
    const response = await report(`unit=${Q}${month}`, admin(), 'text/csv');
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="so-hoa-2026-10-01-2026-11-30.csv"');
    expect(await response.text()).toBe([
      'unit,unitName,period,received,componentsDigitized,resultsDigitized,reused,rate,resultsRate,reuseRate,target,met',
      `${Q},UBND quận Bảy,2026-10,5,4,3,2,0.8,0.6,0.6667,0.8,true`,
      `${Q},UBND quận Bảy,2026-11,7,4,3,1,0.5714,0.4286,0.3333,0.8,false`,
      `${W1},UBND phường Một,2026-10,3,2,2,1,0.6667,0.6667,0.5,0.85,false`,
      `${W1},UBND phường Một,2026-11,4,2,1,1,0.5,0.25,1,0.85,false`,
      `${W2},UBND phường Hai,2026-10,2,2,1,1,1,0.5,1,0.9,true`,
      `${W2},UBND phường Hai,2026-11,2,1,1,0,0.5,0.5,0,0.9,false`,
      '',
    ].join('\r\n'));
  });

  // unit, period, procedure, received, componentsDigitized, resultsDigitized, reused, met (target: the unit's)
  const byProcedure: [string, string, string | null, number, number, number, number, boolean][] = [
    [Q, '2026-10', 'KS', 4, 3, 2, 2, false], [Q, '2026-10', 'KT', 1, 1, 1, 0, true],
    [Q, '2026-11', 'KS', 4, 3, 2, 1, false], [Q, '2026-11', 'KT', 2, 1, 1, 0, false], [Q, '2026-11', null, 1, 0, 0, 0, false],
    [W1, '2026-10', 'KS', 2, 1, 1, 1, false], [W1, '2026-10', 'KT', 1, 1, 1, 0, true],
    [W1, '2026-11', 'KS', 2, 2, 1, 1, true], [W1, '2026-11', 'KT', 1, 0, 0, 0, false], [W1, '2026-11', null, 1, 0, 0, 0, false],
    [W2, '2026-10', 'KS', 2, 2, 1, 1, true],
    [W2, '2026-11', 'KS', 1, 0, 0, 0, false], [W2, '2026-11', 'KT', 1, 1, 1, 0, true],
  ];

  it('breaks each unit and month down per procedure, the dossiers without one apart (by=procedure)', async () => {
    const { rows } = (await (await report(`unit=${Q}${month}&by=procedure`, admin())).json()) as any;
    expect(rows.map((r: any) => [r.unit, r.period, r.procedure, r.received, r.componentsDigitized, r.resultsDigitized, r.reused, r.met])).toEqual(byProcedure);
    const q = rows.find((r: any) => r.unit === Q && r.period === '2026-10' && r.procedure === 'KS');
    expect([q.rate, q.resultsRate, q.reuseRate, q.target]).toEqual([0.75, 0.5, 1, 0.8]);
  });

  it('lays the same figures out for the inspectors in xlsx, in Vietnamese, read back with exceljs', async () => {
    const response = await report(`unit=${Q}${month}`, admin(), XLSX);
    expect(response.headers.get('content-type')).toBe(XLSX);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as any);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Tổng hợp', 'Theo thủ tục']);
    const values = (sheet: ExcelJS.Worksheet, from: number) => {
      const out: unknown[][] = [];
      for (let i = from; i <= sheet.rowCount; i++) out.push((sheet.getRow(i).values as unknown[]).slice(1));
      return out;
    };
    const summary = workbook.getWorksheet('Tổng hợp')!;
    expect(summary.getCell('A1').value).toBe('BÁO CÁO TỶ LỆ SỐ HÓA HỒ SƠ, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH');
    expect(String(summary.getCell('A2').value)).toMatch(/^Từ ngày 01\/10\/2026 đến ngày 30\/11\/2026, theo tháng; lập lúc \d\d:\d\d:\d\d \d\d\/\d\d\/\d{4} \(giờ Việt Nam\)$/);
    expect(values(summary, 4)[0]).toEqual([
      'STT', 'Mã đơn vị', 'Tên đơn vị', 'Kỳ báo cáo', 'Số hồ sơ tiếp nhận', 'Số hồ sơ số hóa đủ thành phần bắt buộc', 'Tỷ lệ số hóa hồ sơ',
      'Số kết quả giải quyết đã số hóa', 'Tỷ lệ số hóa kết quả', 'Số kết quả số hóa được tái sử dụng', 'Tỷ lệ tái sử dụng', 'Chỉ tiêu', 'Đạt chỉ tiêu',
    ]);
    const met = (m: boolean | null) => (m === null ? 'Không có hồ sơ' : m ? 'Đạt' : 'Không đạt');
    expect(values(summary, 5)).toEqual(byMonth.map(([unit, period, received, comps, results, reused, rate, resultsRate, reuseRate, target, m], i) =>
      [i + 1, unit, names[unit], period, received, comps, rate, results, resultsRate, reused, reuseRate, target, met(m)]));
    expect(summary.getRow(5).getCell(7).numFmt).toBe('0.00%'); // 0.8 shows as 80.00%
    expect(summary.getRow(7).getCell(3).alignment?.indent).toBe(1); // a ward sits below its district

    const perProcedure = workbook.getWorksheet('Theo thủ tục')!;
    const procedureNames: Record<string, string> = { KS: 'Đăng ký khai sinh', KT: 'Đăng ký khai tử' };
    expect(values(perProcedure, 5).map((r) => [r[1], r[3], r[4], r[5], r[6], r[7], r[9], r[11], r[14]])).toEqual(byProcedure.map(([unit, period, p, received, comps, results, reused, m]) =>
      [unit, period, p ?? '(chưa xác định)', p ? procedureNames[p] : 'Hồ sơ chưa xác định thủ tục', received, comps, results, reused, met(m)]));
  });

  it('groups by quarter, year and Vietnam day (a dossier at 00:30 on 1/11 Vietnam time is November\'s)', async () => {
    const get = async (q: string) => ((await (await report(q, admin())).json()) as any).rows.map((r: any) => [r.unit, r.period, r.received, r.componentsDigitized, r.resultsDigitized, r.reused, r.rate, r.met]);
    expect(await get(`unit=${Q}&from=2026-10-01&to=2026-11-30&groupBy=quarter`)).toEqual([
      [Q, '2026-Q4', 12, 8, 6, 3, 0.6667, false], [W1, '2026-Q4', 7, 4, 3, 2, 0.5714, false], [W2, '2026-Q4', 4, 3, 2, 1, 0.75, false],
    ]);
    // The whole year: September's #14 comes in, December's #12 too.
    expect((await get(`unit=${Q}&from=2026-01-01&to=2026-12-31&groupBy=year`))[0]).toEqual([Q, '2026', 14, 10, 6, 3, 0.7143, false]);
    expect(await get(`unit=${W1}&from=2026-10-31&to=2026-11-01&groupBy=day`)).toEqual([
      [W1, '2026-10-31', 0, 0, 0, 0, null, null], [W1, '2026-11-01', 1, 1, 1, 1, 1, true],
    ]);
  });

  it('shows each caller the units it may read: a ward\'s auditor its ward, a key its unit rolled up, a clerk nothing', async () => {
    const auditor = await person('auditor', W1);
    const own = ((await (await report(month.slice(1), auditor)).json()) as any).rows;
    expect(own.map((r: any) => [r.unit, r.period, r.received])).toEqual([[W1, '2026-10', 3], [W1, '2026-11', 4]]);
    expect((await report(`unit=${Q}${month}`, auditor)).status).toBe(404);
    expect((await report(`unit=${W2}${month}`, auditor)).status).toBe(404);
    const { secret } = await apiKeys.createKey(stack.runtime.db, operatorCaller(), { name: 'thanh tra tỉnh', unitCodes: [Q], scopes: ['reports:read'] });
    const key = { authorization: `Bearer ${secret}` };
    // A key reaches its listed unit only, whose figures are its whole subtree's.
    expect(((await (await report(month.slice(1), key)).json()) as any).rows.map((r: any) => [r.unit, r.period, r.received, r.componentsDigitized]))
      .toEqual([[Q, '2026-10', 5, 4], [Q, '2026-11', 7, 4]]);
    expect((await report(`unit=${W1}${month}`, key)).status).toBe(404);
    expect((await report(month.slice(1), await person('clerk', W1))).status).toBe(403);
    // The admin sees every unit, the other district apart from Q's figures.
    const all = ((await (await report(`${range}&groupBy=year`, admin())).json()) as any).rows;
    expect(all.filter((r: any) => [Q, E].includes(r.unit)).map((r: any) => [r.unit, r.received])).toEqual([[Q, 12], [E, 1]]);
  }, 60_000);

  it('refuses a bad query with the field and why', async () => {
    const problems = async (q: string) => {
      const response = await report(q, admin());
      return [response.status, ((await response.json()) as any).error.fields?.map((f: any) => f.field)];
    };
    expect(await problems('from=2026-10-01')).toEqual([422, ['to']]);
    expect(await problems('from=2026-02-30&to=2026-03-01')).toEqual([422, ['from']]);
    expect(await problems('from=2026-10-01&to=2026-11-30&groupBy=week')).toEqual([422, ['groupBy']]);
    expect(await problems('from=2026-11-30&to=2026-10-01')).toEqual([422, ['from']]);
    const tooLarge = await report('from=1900-01-01&to=2026-12-31&groupBy=day', admin());
    expect([tooLarge.status, ((await tooLarge.json()) as any).error.code]).toEqual([422, 'report-too-large']);
  });
});
