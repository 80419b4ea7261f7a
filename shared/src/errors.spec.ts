import { describe, expect, it } from 'vitest';
import { redactPaths } from './errors.ts';

describe('redactPaths', () => {
  it('hides absolute paths of this machine in messages the API shows', () => {
    expect(redactPaths("ENAMETOOLONG: name too long, open '/tmp/sohoa-test-x/quarantine/b/1-ệ.tif.reason.txt'")).toBe("ENAMETOOLONG: name too long, open '<path>'");
    expect(redactPaths('EACCES: permission denied, mkdir /var/lib/sohoa/data')).toBe('EACCES: permission denied, mkdir <path>');
  });

  it('leaves dates, MIME types and URLs alone', () => {
    const text = 'signed 10:00:00 21/11/2026 as image/png by http://tsa.example.vn/ts';
    expect(redactPaths(text)).toBe(text);
  });
});
