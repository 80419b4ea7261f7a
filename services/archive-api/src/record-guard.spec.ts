import { describe, expect, it } from 'vitest';
import { objectChangeRefusal, type GuardedRecordFacts } from './record-guard.ts';

const due: GuardedRecordFacts = {
  id: 'r', disposed: false, onHold: false, permanent: false, retainUntil: '2028-12-31', retentionProvisional: false, reviewAfter: null, approvedForDisposition: true,
};
const today = '2029-01-01';

describe('the record object guard', () => {
  it('lets the first write of a key through, and a deletion only of an approved, due, unheld record', () => {
    expect(objectChangeRefusal(null, 'replace', today)).toBeNull();
    expect(objectChangeRefusal(due, 'delete', today)).toBeNull();
  });
  it('refuses in order: held, write-once, permanent, retained, file open, kept, not approved', () => {
    expect(objectChangeRefusal({ ...due, onHold: true }, 'delete', today)?.code).toBe('on-hold');
    expect(objectChangeRefusal(due, 'replace', today)?.code).toBe('write-once');
    expect(objectChangeRefusal({ ...due, permanent: true, retainUntil: null }, 'delete', today)?.code).toBe('retained');
    expect(objectChangeRefusal(due, 'delete', '2028-12-31')).toMatchObject({ code: 'retained', message: expect.stringContaining('2028-12-31') });
    expect(objectChangeRefusal({ ...due, retentionProvisional: true }, 'delete', today)?.code).toBe('file-open');
    expect(objectChangeRefusal({ ...due, reviewAfter: '2030-06-01' }, 'delete', today)?.code).toBe('kept');
    expect(objectChangeRefusal({ ...due, reviewAfter: '2029-01-01' }, 'delete', today)).toBeNull(); // the review date has come
    expect(objectChangeRefusal({ ...due, approvedForDisposition: false }, 'delete', today)?.code).toBe('disposition-required');
  });
  it('never writes a disposed record\'s key again', () => {
    expect(objectChangeRefusal({ ...due, disposed: true }, 'replace', today)?.code).toBe('disposed');
  });
});
