import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileClosed, reclassifyRecordJob } from '@sohoa/archive-api';
import { getJson, startTestStack, type TestStack } from './helpers/stack.ts';
import { archivedRecord } from './helpers/records.ts';

describe('retention: from the catalog, recomputed when a clerk corrects the component', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({}, { workers: false });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('takes the component retention at archiving (provisional while the file is open), permanent without one', async () => {
    const year = Number(new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 4));
    const fixed = await archivedRecord(stack.runtime, { procedure: 'HKD', component: 'HKD-GDN' });
    const r = (await stack.runtime.db.query('SELECT retention_years, to_char(retain_until, \'YYYY-MM-DD\') AS until, permanent, retention_provisional FROM records WHERE id = $1', [fixed.recordId])).rows[0];
    expect(r).toEqual({ retention_years: 20, until: `${year + 20}-12-31`, permanent: false, retention_provisional: true });
    const unknown = await archivedRecord(stack.runtime, { procedure: 'HKD', component: null });
    const view = await getJson(`${stack.url}/api/v1/records/${unknown.recordId}`, stack.token);
    expect(view).toMatchObject({ retentionYears: null, retainUntil: null, permanent: true });
  });

  it('recomputes retention (and audits the old value) when the component is corrected', async () => {
    const year = Number(new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 4));
    const { recordId, documentId } = await archivedRecord(stack.runtime, { procedure: 'CT', component: 'CT-PYC' }); // 2 years
    // The clerk's correction (matching's job) changes the document; archive-api corrects the record.
    await stack.runtime.db.query(`UPDATE documents SET component_code = 'CT-BC' WHERE id = $1`, [documentId]);
    await stack.runtime.db.query(`UPDATE components SET retention_years = 10 WHERE code = 'CT-BC'`);
    expect(await reclassifyRecordJob({ db: stack.runtime.db }).run({ documentId })).toEqual({ status: 'done' });
    const record = await getJson(`${stack.url}/api/v1/records/${recordId}`, stack.token);
    expect(record).toMatchObject({ retentionYears: 10, retainUntil: `${year + 10}-12-31`, permanent: false });
    expect(record.metadata).toMatchObject({ componentCode: 'CT-BC', retention: { years: 10 }, retainUntil: `${year + 10}-12-31` });
    const audit = (await stack.runtime.db.query(`SELECT detail FROM audit_events WHERE action = 'record.retention-changed' AND subject_id = $1`, [recordId])).rows;
    expect(audit).toHaveLength(1);
    expect(audit[0].detail).toMatchObject({ old: { retentionYears: 2, retainUntil: `${year + 2}-12-31` }, new: { retentionYears: 10 } });

    // Corrected to a paper of no known component: kept permanently.
    await stack.runtime.db.query(`UPDATE documents SET component_code = NULL WHERE id = $1`, [documentId]);
    await reclassifyRecordJob({ db: stack.runtime.db }).run({ documentId });
    expect(await getJson(`${stack.url}/api/v1/records/${recordId}`, stack.token)).toMatchObject({ retentionYears: null, retainUntil: null, permanent: true });
  });

  it('counts from the end of the year the file closed, once it closes', async () => {
    const { recordId, dossierId } = await archivedRecord(stack.runtime, { procedure: 'HKD', component: 'HKD-BB' }); // 20 years
    expect(await fileClosed(stack.runtime.db, { dossierId, closedAt: new Date('2031-06-30T05:00:00Z'), actor: 'user:lead' })).toBe(1);
    const record = await getJson(`${stack.url}/api/v1/records/${recordId}`, stack.token);
    expect(record).toMatchObject({ retainUntil: '2051-12-31', retentionProvisional: false });
  });
});
