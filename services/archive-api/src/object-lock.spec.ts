import { describe, expect, it } from 'vitest';
import { defaultLockSettings, objectLockFor } from './object-lock.ts';

const now = new Date('2026-11-21T03:00:00Z');

describe('object lock of a record version', () => {
  it('locks a fixed term in GOVERNANCE mode until retention has ended (1 Jan after retain-until, +07:00)', () => {
    expect(objectLockFor({ permanent: false, retainUntil: '2046-12-31' }, defaultLockSettings, now, 'v1')).toEqual({
      mode: 'GOVERNANCE', retainUntil: new Date('2046-12-31T17:00:00Z'), versionId: 'v1',
    });
  });
  it('locks permanent records in COMPLIANCE mode, far ahead; a setting makes fixed terms COMPLIANCE too', () => {
    expect(objectLockFor({ permanent: true, retainUntil: null }, defaultLockSettings, now)).toEqual({ mode: 'COMPLIANCE', retainUntil: new Date('2126-12-31T17:00:00Z') });
    expect(objectLockFor({ permanent: false, retainUntil: '2030-12-31' }, { ...defaultLockSettings, fixedTermMode: 'COMPLIANCE' }, now).mode).toBe('COMPLIANCE');
  });
});
