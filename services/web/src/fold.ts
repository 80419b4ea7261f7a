/** Text folded for matching with diacritics optional: "giay khai sinh" finds "Giấy khai sinh" (NFD, marks stripped, đ→d, lower case). */
export const fold = (text: string): string =>
  text.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase().replace(/\s+/g, ' ').trim();

/** Whether every word typed is found in the text, diacritics optional. */
export const matches = (text: string, typed: string): boolean => {
  const hay = fold(text);
  return fold(typed).split(' ').filter(Boolean).every((word) => hay.includes(word));
};

/** A word asked for in the search box, folded; `prefix` when typed as `word*` (the search API's syntax). */
export interface SoughtWord { word: string; prefix: boolean }

/** The words of a search box as the search API reads them (letters and digits, folded): what the PDF viewer highlights. */
export function soughtWords(q: string): SoughtWord[] {
  const sought = new Map<string, SoughtWord>();
  for (const token of q.split(/\s+/)) {
    const words = fold(token).match(/[\p{L}\p{N}]+/gu) ?? [];
    const prefix = token.endsWith('*') && words.length === 1;
    for (const word of words) if (!sought.get(word)?.prefix) sought.set(word, { word, prefix });
  }
  return [...sought.values()];
}

/**
 * Where the sought words are in a line of text: [start, end) of each whole word found, diacritics optional, so that
 * "hong nhung" marks "Hồng" and "Nhung" in "Phạm Thị Hồng Nhung" but nothing in "Hồngnhung" (as the search, it also
 * marks "những": folded, it is "nhung"). The marks combining a letter stay in its word, composed (NFC) or not.
 */
export function wordRanges(text: string, sought: readonly SoughtWord[]): [number, number][] {
  if (!sought.length) return [];
  const ranges: [number, number][] = [];
  for (const m of text.matchAll(/[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu)) {
    const word = fold(m[0]);
    if (sought.some((s) => (s.prefix ? word.startsWith(s.word) : word === s.word))) ranges.push([m.index, m.index + m[0].length]);
  }
  return ranges;
}
