import { describe, expect, it } from 'vitest';
import { recordAddress, recordPath } from './address.ts';

describe('the record screen\'s address', () => {
  it('carries the hit\'s page and the words searched, and reads them back', () => {
    const path = recordPath({ id: 'abc', page: 2, q: 'hong nhung' });
    expect(path).toBe('/records/abc?page=2&q=hong+nhung');
    const url = new URL(path, 'http://x');
    expect(recordAddress(url)).toEqual({ id: 'abc', page: 2, q: 'hong nhung' });
    expect(recordPath({ id: 'abc', page: null, q: '' })).toBe('/records/abc');
  });
  it('takes no page from a page that is none', () => {
    for (const page of ['0', '-1', '1.5', 'x', '']) expect(recordAddress({ pathname: '/records/abc', search: `?page=${page}` }).page).toBeNull();
  });
});
