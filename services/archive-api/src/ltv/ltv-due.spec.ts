import { describe, expect, it } from 'vitest';
import { ltvDue } from './ltv-due.ts';

const now = new Date('2027-01-01T00:00:00Z');
const day = 24 * 60 * 60 * 1000;
const at = (days: number) => new Date(now.getTime() + days * day);

describe('which records need B-LTA work', () => {
  it('extends permanent records and those kept beyond their certificate, once', () => {
    expect(ltvDue([
      { recordId: 'permanent', retainUntil: null, signerCertificateExpires: at(300), lastTimestampExpires: null },
      { recordId: 'outlives', retainUntil: at(3650), signerCertificateExpires: at(300), lastTimestampExpires: null },
      { recordId: 'short', retainUntil: at(100), signerCertificateExpires: at(300), lastTimestampExpires: null },
    ], now, 90).map((a) => [a.recordId, a.action])).toEqual([['permanent', 'extend'], ['outlives', 'extend']]);
  });
  it('renews a time-stamp whose authority certificate expires within the margin, not before', () => {
    const base = { retainUntil: null, signerCertificateExpires: at(-10) };
    expect(ltvDue([
      { ...base, recordId: 'soon', lastTimestampExpires: at(60) },
      { ...base, recordId: 'later', lastTimestampExpires: at(120) },
      { ...base, recordId: 'expired', lastTimestampExpires: at(-1) },
    ], now, 90).map((a) => [a.recordId, a.action])).toEqual([['soon', 'renew'], ['expired', 'renew']]);
  });
});
