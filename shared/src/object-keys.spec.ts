import { describe, expect, it } from 'vitest';
import { assertObjectKey, objectKey, originalFileKey, recordKey, recordVersionKey, UnsafeObjectKey } from './object-keys.ts';

describe('object keys', () => {
  it('joins safe parts with a slash', () => {
    expect(recordKey('000.00.00.H00', '000.00.00.H00-261121-0007', 'f3a1')).toBe('records/000.00.00.H00/000.00.00.H00-261121-0007/f3a1.pdf');
    expect(originalFileKey('b1', 'f1')).toBe('work/batches/b1/files/f1/original');
    expect(objectKey('a', 3, 'tờ khai.jpg')).toBe('a/3/tờ khai.jpg');
  });

  it('throws on a part with a slash, "..", a backslash, NUL or a control character, or an empty part', () => {
    for (const part of ['../../tmp/x', '..', '...', 'a/b', 'a\\b', 'a\u0000b', 'a\nb', 'a\u007fb', 'a\u0085b', '.', '', 'x'.repeat(256)]) {
      expect(() => objectKey('records', part, 'r.pdf'), JSON.stringify(part)).toThrow(UnsafeObjectKey);
    }
    expect(() => recordKey('000.00.00.H00', '../../../../tmp/x', 'r')).toThrow(/unsafe object key/);
  });

  it('checks whole keys read back from elsewhere', () => {
    expect(() => assertObjectKey('work/batches/b/pages/p-0.jpg')).not.toThrow();
    for (const key of ['records/../../x', '/abs', 'a//b', 'a/b/', 'a\\..\\b', `a/${'x'.repeat(1100)}`]) {
      expect(() => assertObjectKey(key), key).toThrow(UnsafeObjectKey);
    }
  });

  it("puts a record's later versions beside its first key, never on a key it had", () => {
    const first = recordKey('000.00.00.H00', '000.00.00.H00-261121-0007', 'r1');
    expect(recordVersionKey(first, 2)).toBe('records/000.00.00.H00/000.00.00.H00-261121-0007/r1.v2.pdf');
    expect(recordVersionKey(recordVersionKey(first, 2), 3)).toBe('records/000.00.00.H00/000.00.00.H00-261121-0007/r1.v3.pdf');
    expect(recordVersionKey('records/000.00.00.H00/disposition/l1.pdf', 2)).toBe('records/000.00.00.H00/disposition/l1.v2.pdf');
    for (const version of [0, 1, 2.5]) expect(() => recordVersionKey(first, version), String(version)).toThrow(UnsafeObjectKey);
    expect(() => recordVersionKey('records/../x.pdf', 2)).toThrow(UnsafeObjectKey);
  });
});
