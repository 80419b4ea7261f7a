import { describe, expect, it } from 'vitest';
import { fixityResult, throttleWaitMs } from './fixity-core.ts';

const archived = { sha256: 'a'.repeat(64), size: 1000 };
const signed = { checked: true as const, signatures: 2, broken: [], valid: true, problems: [] };

describe('fixity result', () => {
  it('is intact when the bytes hash as archived and every signature covers its bytes', () => {
    expect(fixityResult(archived, { found: true, sha256: archived.sha256, size: 1000, signature: signed })).toMatchObject({ status: 'intact', detail: { signatures: 2 } });
  });
  it('puts a missing object and changed bytes before anything the signatures say', () => {
    expect(fixityResult(archived, { found: false }).status).toBe('missing');
    const changed = fixityResult(archived, { found: true, sha256: 'b'.repeat(64), size: 1000, signature: { checked: false, why: 'the bytes changed' } });
    expect(changed).toMatchObject({ status: 'mismatch', detail: { expected: archived.sha256, found: 'b'.repeat(64), why: expect.stringMatching(/SHA-256 differs/) } });
    expect(fixityResult(archived, { found: true, sha256: 'b'.repeat(64), size: 10, signature: signed }).detail.why).toMatch(/10 bytes, 1000 were archived/);
  });
  it('calls a record with a signature that no longer covers its bytes, or none at all, signature-broken', () => {
    expect(fixityResult(archived, { found: true, sha256: archived.sha256, size: 1000, signature: { ...signed, broken: ['Signature2'], valid: false } })).toMatchObject({
      status: 'signature-broken', detail: { why: expect.stringContaining('Signature2') },
    });
    expect(fixityResult(archived, { found: true, sha256: archived.sha256, size: 1000, signature: { ...signed, signatures: 0 } }).status).toBe('signature-broken');
  });
  it('keeps trust and revocation problems in the detail without failing the bits', () => {
    const r = fixityResult(archived, { found: true, sha256: archived.sha256, size: 1000, signature: { ...signed, valid: false, problems: ['revocation could not be checked'] } });
    expect(r).toMatchObject({ status: 'intact', detail: { signaturesValid: false, problems: ['revocation could not be checked'] } });
  });
});

describe('throttle', () => {
  it('waits until the slowest limit is met on average', () => {
    expect(throttleWaitMs({ elapsedMs: 0, bytes: 0, objects: 0 }, { bytesPerSecond: 100, objectsPerSecond: 1 })).toBe(0);
    expect(throttleWaitMs({ elapsedMs: 500, bytes: 200, objects: 1 }, { bytesPerSecond: 100, objectsPerSecond: 10 })).toBe(1500);
    expect(throttleWaitMs({ elapsedMs: 500, bytes: 10, objects: 3 }, { bytesPerSecond: 100, objectsPerSecond: 2 })).toBe(1000);
    expect(throttleWaitMs({ elapsedMs: 5000, bytes: 200, objects: 3 }, { bytesPerSecond: 100, objectsPerSecond: 2 })).toBe(0);
  });
  it('does not wait with no limits', () => {
    expect(throttleWaitMs({ elapsedMs: 0, bytes: 1e12, objects: 1e9 }, { bytesPerSecond: 0, objectsPerSecond: 0 })).toBe(0);
  });
});
