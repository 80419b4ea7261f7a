import { describe, expect, it } from 'vitest';
import { recordRetention, retentionEnded, vietnamDate } from './retention.ts';

const archivedAt = new Date('2026-11-21T03:00:00Z');

describe('record retention', () => {
  it('counts a fixed term from the end of the year the file closed', () => {
    const r = recordRetention({ hasComponent: true, retentionYears: 20, fileClosedAt: new Date('2027-03-02T02:00:00Z'), archivedAt });
    expect(r).toEqual({ retention: { years: 20 }, permanent: false, retainUntil: '2047-12-31', countedFrom: '2027-03-02', provisional: false });
  });
  it('is provisional, from the year archived, while the file is open', () => {
    const r = recordRetention({ hasComponent: true, retentionYears: 2, fileClosedAt: null, archivedAt });
    expect(r).toMatchObject({ retainUntil: '2028-12-31', countedFrom: '2026-11-21', provisional: true, permanent: false });
  });
  it('takes the closing year in Vietnam time: 31 Dec 23:30 at +07:00 is still that year', () => {
    const closed = new Date('2026-12-31T16:30:00Z'); // 23:30 on 31/12/2026 in Hà Nội
    expect(recordRetention({ hasComponent: true, retentionYears: 5, fileClosedAt: closed, archivedAt }).retainUntil).toBe('2031-12-31');
    const nextYear = new Date('2026-12-31T17:30:00Z'); // 00:30 on 1/1/2027
    expect(recordRetention({ hasComponent: true, retentionYears: 5, fileClosedAt: nextYear, archivedAt }).retainUntil).toBe('2032-12-31');
  });
  it('keeps permanently a component without a retention, and a document of no known component', () => {
    expect(recordRetention({ hasComponent: true, retentionYears: null, fileClosedAt: null, archivedAt })).toMatchObject({ permanent: true, retainUntil: null, retention: 'permanent' });
    expect(recordRetention({ hasComponent: false, retentionYears: 10, fileClosedAt: null, archivedAt })).toMatchObject({ permanent: true, retainUntil: null });
  });
  it('refuses a retention that is not a whole number of years', () => {
    expect(() => recordRetention({ hasComponent: true, retentionYears: 0, fileClosedAt: null, archivedAt })).toThrow(/whole number/);
  });
  it('has ended only from the day after retain-until', () => {
    expect(retentionEnded('2028-12-31', '2028-12-31')).toBe(false);
    expect(retentionEnded('2028-12-31', '2029-01-01')).toBe(true);
    expect(retentionEnded(null, '2999-01-01')).toBe(false);
    expect(vietnamDate(new Date('2028-12-31T17:00:00Z'))).toBe('2029-01-01');
  });
});
