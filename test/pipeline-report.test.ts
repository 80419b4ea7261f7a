/**
 * The queue and throughput per unit (GET /api/v1/reports/pipeline), over dossiers seeded at each stage: pages not
 * yet read, documents waiting for review and for signing, records archived this hour. A district's row rolls its
 * ward up; another district's pages never count; a ward's auditor sees the ward only; a clerk is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unitRepository } from '@sohoa/shared';
import { operatorCaller, people, units } from '../src/accounts/index.ts';
import { expectResponseConforms } from './helpers/contract-check.ts';
import { seedOversightDossier } from './helpers/oversight-fixtures.ts';
import { startTestStack, type TestStack } from './helpers/stack.ts';

const Q = '710.00.00.Q71';
const W = '710.01.00.P71';
const E = '810.00.00.Q81';

describe('the pipeline report', () => {
  let stack: TestStack;

  async function signIn(role: 'auditor' | 'clerk', unit: string): Promise<Record<string, string>> {
    const username = `${role}.pipeline`;
    const { password } = await people.createPerson(stack.runtime.db, operatorCaller(), { username, unitCode: unit, roles: [{ role }] });
    const r = await fetch(`${stack.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    return { cookie: /^([^=;]+=[^;]*)/.exec(r.headers.get('set-cookie') ?? '')![1]! };
  }
  async function pipeline(query: string, headers: Record<string, string>): Promise<Response> {
    const url = `${stack.url}/api/v1/reports/pipeline?${query}`;
    const response = await fetch(url, { headers });
    await expectResponseConforms('GET', url, response);
    return response;
  }
  const admin = () => ({ authorization: `Bearer ${stack.token}` });

  beforeAll(async () => {
    stack = await startTestStack({}, { workers: false });
    const { db, store } = stack.runtime;
    await units.addUnit(db, operatorCaller(), { code: Q, name: 'UBND quận Bảy Mốt', parent: null, kind: 'district' });
    await units.addUnit(db, operatorCaller(), { code: W, name: 'UBND phường Bảy Mốt', parent: Q, kind: 'ward' });
    await units.addUnit(db, operatorCaller(), { code: E, name: 'UBND quận Tám Mốt', parent: null, kind: 'district' });
    const id = async (code: string) => (await unitRepository.unitByCode(db, code))!.id;
    const now = new Date();
    await seedOversightDossier(db, store, {
      unitId: await id(W), code: `${W}-261203-0001`, procedure: 'KS', receivedAt: now, archived: ['KS-TK', 'KS-GCS'], inReview: ['KS-UQ'], toSign: ['KS-KQ'],
      unreadPages: 3, pagesEach: 2,
    });
    await seedOversightDossier(db, store, { unitId: await id(Q), code: `${Q}-261203-0002`, procedure: 'KS', receivedAt: now, archived: [], unreadPages: 1 });
    await seedOversightDossier(db, store, { unitId: await id(E), code: `${E}-261203-0003`, procedure: 'KS', receivedAt: now, archived: ['KS-TK'], unreadPages: 5, pagesEach: 7 });
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('counts the pages waiting at each stage and archived this hour, a district rolling up its ward', async () => {
    const response = await pipeline(`unit=${Q}`, admin());
    expect(response.status).toBe(200);
    const { rows } = (await response.json()) as { rows: any[] };
    expect(rows.map((r) => r.unit)).toEqual([Q, W]);
    expect(rows[0].waiting).toEqual({ ocr: 4, review: 2, building: 0, signing: 2, archiving: 0 });
    expect(rows[1].waiting).toEqual({ ocr: 3, review: 2, building: 0, signing: 2, archiving: 0 });
    for (const row of rows) {
      expect(row.archived).toHaveLength(24);
      expect(row.archived.at(-1).pages).toBe(4); // the two records of two pages, archived just now
      expect(row.archived.slice(0, -1).every((h: { pages: number }) => h.pages === 0)).toBe(true);
      expect(row.pagesPerHour).toBe(0.17);
    }
  });

  it('shows a ward\'s auditor the ward only, hides a unit above it, and refuses a clerk', async () => {
    const auditor = await signIn('auditor', W);
    const { rows } = (await (await pipeline('', auditor)).json()) as { rows: any[] };
    expect(rows.map((r) => r.unit)).toEqual([W]);
    expect((await pipeline(`unit=${Q}`, auditor)).status).toBe(404);
    expect((await pipeline(`unit=${E}`, admin())).status).toBe(200);
    expect((await pipeline('unit=999.99.99.Z99', admin())).status).toBe(404);
    expect((await pipeline('', await signIn('clerk', W))).status).toBe(403);
  });
});
