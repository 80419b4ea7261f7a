import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ObjectStore } from '@sohoa/shared';
import type { VerificationReport } from '@sohoa/signer';
import { signatureChecker, signatureStatusOf } from './reuse.service.ts';

const signature = (status: 'good' | 'revoked' | 'unknown' | 'not-offered') => ({ revocation: { status } }) as VerificationReport['signatures'][number];

describe('signature status of a reusable record', () => {
  it('says revoked whenever a signer is revoked, else valid or invalid as the report is', () => {
    expect(signatureStatusOf({ valid: true, signatures: [signature('good'), signature('not-offered')] })).toBe('valid');
    expect(signatureStatusOf({ valid: true, signatures: [signature('good'), signature('revoked')] })).toBe('revoked');
    expect(signatureStatusOf({ valid: false, signatures: [signature('revoked')] })).toBe('revoked');
    expect(signatureStatusOf({ valid: false, signatures: [signature('unknown')] })).toBe('invalid');
    expect(signatureStatusOf({ valid: false, signatures: [] })).toBe('invalid');
  });

  it('verifies once per record and object SHA-256 within the time to live; bytes not matching the SHA-256 are invalid unverified', async () => {
    const bytes = Buffer.from('%PDF a record');
    const sha = createHash('sha256').update(bytes).digest('hex');
    const store = { get: async () => bytes } as unknown as ObjectStore;
    let now = 0;
    let verified = 0;
    const verify = async () => {
      verified++;
      return { valid: true, signatures: [signature('good')], problems: [] } as VerificationReport;
    };
    const checker = signatureChecker({ ttlMs: 1000, now: () => now });
    const record = { id: 'r1', sha256: sha, object_key: 'k' };
    expect(await checker.statuses(store, [record, record], verify)).toEqual(['valid', 'valid']);
    expect(verified).toBe(1);
    now = 999;
    await checker.statuses(store, [record], verify);
    expect(verified).toBe(1);
    now = 1000;
    await checker.statuses(store, [record], verify);
    expect(verified).toBe(2);
    expect(await checker.statuses(store, [{ ...record, sha256: '0'.repeat(64) }], verify)).toEqual(['invalid']); // a new object version: a new entry
    expect(verified).toBe(2);
    const uncached = signatureChecker({ ttlMs: 0 });
    await uncached.statuses(store, [record], verify);
    await uncached.statuses(store, [record], verify);
    expect(verified).toBe(4);
  });
});
