import { describe, expect, it } from 'vitest';
import { assertObjectKey, objectKey, originalFileKey, recordKey, UnsafeObjectKey } from './object-keys.ts';

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
});
