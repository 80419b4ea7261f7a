import { describe, expect, it } from 'vitest';
import { fitFileName, safeFileName, truncateUtf8 } from './file-names.ts';

describe('file names counted in bytes', () => {
  it('cuts UTF-8 between characters, never inside one', () => {
    expect(truncateUtf8('ệệệ', 7)).toBe('ệệ'); // 3 bytes each
    expect(truncateUtf8('ệệệ', 9)).toBe('ệệệ');
    expect(truncateUtf8('a😀b', 4)).toBe('a'); // a surrogate pair is one character of 4 bytes
  });

  it('keeps the extension when it cuts', () => {
    const name = `${'ệ'.repeat(80)}.tif`; // 244 bytes
    const fitted = fitFileName(name, 100);
    expect(Buffer.byteLength(fitted)).toBeLessThanOrEqual(100);
    expect(fitted.endsWith('.tif')).toBe(true);
    expect(fitted).toBe(`${'ệ'.repeat(32)}.tif`);
    expect(fitFileName('short.pdf', 100)).toBe('short.pdf');
  });

  it('makes a display name from a client path: last segment, no control characters or leading dots, at most 200 bytes', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('C:\\scans\\hồ sơ 1.tif')).toBe('hồ sơ 1.tif');
    expect(safeFileName('a\u0000b\u009f.png')).toBe('ab.png');
    expect(safeFileName('..')).toBe('');
    const long = safeFileName(`${'Đ'.repeat(150)}.jpeg`);
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(200);
    expect(long.endsWith('.jpeg')).toBe(true);
  });
});
