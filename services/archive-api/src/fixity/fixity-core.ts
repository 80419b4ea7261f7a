/**
 * Fixity decisions on plain data (no I/O): what a record's check found, and how long to wait so a run stays under
 * its throttle.
 */

export type FixityStatus = 'intact' | 'mismatch' | 'missing' | 'signature-broken';

/** What reading one record object found. */
export type ObjectReading =
  | { found: false }
  | { found: true; sha256: string; size: number; signature: SignatureFinding };

/** The signatures of the object as read: checked (broken or not), or not checked and why. */
export type SignatureFinding =
  | { checked: true; signatures: number; broken: string[]; valid: boolean; problems: string[] }
  | { checked: false; why: string };

export interface FixityResult {
  status: FixityStatus;
  detail: Record<string, unknown>;
}

/**
 * The record's status from what was read. A changed or missing object comes first: its signatures say nothing
 * more. `signature-broken` is a signature that no longer covers its bytes (or no signature at all), i.e. the bits
 * are not what was signed. Trust and revocation (a CA gone, a responder down) are about the certificates, not the
 * bits: they are kept in the detail, and GET /records/:id/verify is where they are judged.
 */
export function fixityResult(expected: { sha256: string; size: number }, reading: ObjectReading): FixityResult {
  if (!reading.found) return { status: 'missing', detail: { expected: expected.sha256, why: 'the object is not in the object store' } };
  const base = { expected: expected.sha256, found: reading.sha256, size: reading.size };
  if (reading.sha256 !== expected.sha256) {
    const why = reading.size !== expected.size ? `the object has ${reading.size} bytes, ${expected.size} were archived` : 'the object\'s SHA-256 differs from the one archived';
    return { status: 'mismatch', detail: { ...base, why } };
  }
  const signature = reading.signature;
  if (!signature.checked) return { status: 'intact', detail: { ...base, signatureNotChecked: signature.why } };
  const summary = { ...base, signatures: signature.signatures, signaturesValid: signature.valid, ...(signature.problems.length ? { problems: signature.problems } : {}) };
  if (signature.signatures === 0) return { status: 'signature-broken', detail: { ...summary, why: 'the object has no signature' } };
  if (signature.broken.length) return { status: 'signature-broken', detail: { ...summary, why: `signature(s) no longer match their bytes: ${signature.broken.join(', ')}` } };
  return { status: 'intact', detail: summary };
}

export interface ThrottleLimits {
  /** 0: no limit. */
  bytesPerSecond: number;
  /** 0: no limit. */
  objectsPerSecond: number;
}

/**
 * How long to wait before reading the next object so that, since the slice started, neither limit is exceeded
 * (a running average: a large object is paid for by the pause after it).
 */
export function throttleWaitMs(done: { elapsedMs: number; bytes: number; objects: number }, limits: ThrottleLimits): number {
  const byBytes = limits.bytesPerSecond > 0 ? (done.bytes / limits.bytesPerSecond) * 1000 : 0;
  const byObjects = limits.objectsPerSecond > 0 ? (done.objects / limits.objectsPerSecond) * 1000 : 0;
  return Math.max(0, Math.ceil(Math.max(byBytes, byObjects) - done.elapsedMs));
}
