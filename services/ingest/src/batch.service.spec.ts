import { describe, expect, it } from 'vitest';
import { safeName } from './batch.service.ts';

describe('file names from clients', () => {
  it('keeps the last path part only, so a name can never point elsewhere on this machine', () => {
    expect(safeName('../../etc/passwd')).toBe('passwd');
    expect(safeName('C:\\scans\\hồ sơ 1.tif')).toBe('hồ sơ 1.tif');
    expect(safeName('a\u0000b.png')).toBe('ab.png');
  });
  it('gives nothing for a name that is only a path', () => {
    expect(safeName('/')).toBe('');
  });
});
