import { describe, expect, it } from 'vitest';
import { fold, matches, soughtWords, wordRanges } from './fold.ts';

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

describe('the words of a search, found in a line of the PDF', () => {
  const marked = (text: string, q: string) => wordRanges(text, soughtWords(q)).map(([a, b]) => text.slice(a, b));
  it('reads the box as the search API does: folded words, word* a prefix, each word once', () => {
    expect(soughtWords('hong  "Nhung" dang*')).toEqual([{ word: 'hong', prefix: false }, { word: 'nhung', prefix: false }, { word: 'dang', prefix: true }]);
    expect(soughtWords('')).toEqual([]);
  });
  it('marks whole words with or without diacritics, composed or not, and nothing else', () => {
    expect(marked('Họ và tên: Phạm Thị Hồng Nhung, sinh ngày', 'hong nhung')).toEqual(['Hồng', 'Nhung']);
    expect(marked('Phạm Thị Hồng Nhung'.normalize('NFD'), 'HỒNG')).toEqual(['Hồng'.normalize('NFD')]);
    expect(marked('những Hồngnhung nhungx', 'hong nhung')).toEqual(['những']); // "những" folds to "nhung": diacritics optional
    expect(marked('Đăng ký khai sinh; đăng ký', 'dang*')).toEqual(['Đăng', 'đăng']);
    expect(marked('Đăng ký', '')).toEqual([]);
  });
  it('answers where the words are, for the marks', () => {
    expect(wordRanges('ab Hồng cd', soughtWords('hong'))).toEqual([[3, 7]]);
  });
});
