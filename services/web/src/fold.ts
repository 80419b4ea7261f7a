/** Text folded for matching with diacritics optional: "giay khai sinh" finds "Giấy khai sinh" (NFD, marks stripped, đ→d, lower case). */
export const fold = (text: string): string =>
  text.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase().replace(/\s+/g, ' ').trim();

/** Whether every word typed is found in the text, diacritics optional. */
export const matches = (text: string, typed: string): boolean => {
  const hay = fold(text);
  return fold(typed).split(' ').filter(Boolean).every((word) => hay.includes(word));
};
