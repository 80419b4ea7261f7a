import { describe, expect, it } from 'vitest';
import { fold, matches } from './fold.ts';

describe('folding for diacritics-optional filtering', () => {
  it('strips the marks and đ, and lowers the case', () => {
    expect(fold('Giấy khai sinh')).toBe('giay khai sinh');
    expect(fold('ĐĂNG KÝ  Đất đai')).toBe('dang ky dat dai');
  });
  it('finds by the words typed, with or without diacritics, and not what is not there', () => {
    expect(matches('Giấy khai sinh', 'giay khai sinh')).toBe(true);
    expect(matches('Giấy chứng sinh', 'chung giay')).toBe(true);
    expect(matches('Văn bản ủy quyền', 'uy quyen')).toBe(true);
    expect(matches('Giấy chứng sinh', 'khai')).toBe(false);
    expect(matches('Tờ khai', '')).toBe(true);
  });
});
