import { describe, expect, it } from 'vitest';
import { decodeCursor, editDistance, encodeCursor, fold, loosenPhrases, oneSlipAway, parseQuery, slipCandidates, tsQueries } from './search-query.ts';

describe('search query', () => {
  it('folds Vietnamese as the database does: lower case, no diacritics, đ is d', () => {
    expect(fold('Giấy CHỨNG nhận ĐẤT đai')).toBe('giay chung nhan dat dai');
    expect(fold('Ủy ban nhân dân')).toBe('uy ban nhan dan');
  });

  it('reads words, quoted phrases, prefixes and codes', () => {
    expect(parseQuery('giấy "chứng nhận quyền" khai* 000.00.00.H00-261121-0007 001203004567')).toEqual([
      { kind: 'word', word: 'giay' },
      { kind: 'phrase', words: ['chung', 'nhan', 'quyen'] },
      { kind: 'prefix', word: 'khai' },
      { kind: 'code', code: '000.00.00.h00-261121-0007' },
      { kind: 'word', word: '001203004567' },
    ]);
    expect(parseQuery('"đất"')).toEqual([{ kind: 'word', word: 'dat' }]);
    expect(parseQuery(`'); DROP TABLE records; -- & | ! <->`)).toEqual([
      { kind: 'word', word: 'drop' }, { kind: 'word', word: 'table' }, { kind: 'word', word: 'records' },
    ]);
  });

  it('builds a tsquery of quoted lexemes: all terms to match, any to highlight', () => {
    const terms = parseQuery('giay "chung nhan" kha* 12/2025/QĐ-UBND');
    expect(tsQueries(terms, new Map([['giay', ['giav']]]))).toEqual({
      match: `('giay' | 'giav') & ('chung' <-> 'nhan') & 'kha':* & ('12/2025/qd-ubnd' | ('12' <-> '2025' <-> 'qd' <-> 'ubnd'))`,
      highlight: `('giay' | 'giav') | ('chung' <-> 'nhan') | 'kha':* | ('12/2025/qd-ubnd' | ('12' <-> '2025' <-> 'qd' <-> 'ubnd'))`,
    });
    expect(tsQueries([])).toBeNull();
  });

  it('looks for slips only in words of four letters or more', () => {
    expect(slipCandidates(parseQuery('xa hoi nghia 2025 chumg'))).toEqual(['nghia', 'chumg']);
  });

  it('keeps the neighbours one edit away', () => {
    expect(editDistance('chung', 'chumg')).toBe(1);
    expect(editDistance('chung', 'chun')).toBe(1);
    expect(editDistance('chung', 'khumg')).toBe(2);
    expect(oneSlipAway('chumg', ['chung', 'chum', 'khung', 'chumg', 'trung'])).toEqual(['chum', 'chung']);
  });

  it('round-trips its cursors and refuses anything else', () => {
    const id = '8e9d7b6e-5969-43e3-90ce-4992f1b9aa15';
    for (const c of [{ sort: 'relevance', rank: 0.0607927, id }, { sort: 'date', at: '2025-06-01 03:00:00.123456+00', id }] as const) {
      expect(decodeCursor(encodeCursor(c))).toEqual(c);
    }
    expect(decodeCursor('not-a-cursor')).toBeNull();
    expect(decodeCursor(encodeCursor({ sort: 'date', at: "x'; --", id }))).toBeNull();
  });

  it('loosens phrases to their words, all required, and leaves every other operator alone', () => {
    const { match } = tsQueries(parseQuery('"chứng nhận quyền" giay* 12/2025/QĐ-UBND'))!;
    expect(loosenPhrases(match)).toBe(`('chung' & 'nhan' & 'quyen') & 'giay':* & ('12/2025/qd-ubnd' | ('12' & '2025' & 'qd' & 'ubnd'))`);
    expect(loosenPhrases(`'a' | 'b'`)).toBe(`'a' | 'b'`);
  });
});
