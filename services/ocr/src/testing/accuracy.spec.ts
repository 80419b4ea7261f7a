import { describe, expect, it } from 'vitest';
import { characterErrorRate, characterErrors, editDistance, normalizeText, rate, wordErrors } from './accuracy.ts';

/**
 * The OCR bounds in the specs and bench:ocr rest on this measure, so it is checked on cases counted by hand.
 * Vietnamese letters can arrive composed (NFC, one code point for "ễ") or decomposed (NFD, "e" + circumflex +
 * tilde): the measure must count a letter as one character either way.
 */
const nfc = (s: string) => s.normalize('NFC');
const nfd = (s: string) => s.normalize('NFD');

describe('normalizeText', () => {
  it('composes decomposed letters and collapses whitespace, keeping reading order', () => {
    expect(nfd('Nguyễn')).toHaveLength(8); // N g u y e ̂ ̃ n: the test really feeds decomposed text
    expect(normalizeText(nfd('  Nguyễn\tVăn\n\nAn \f'))).toBe(nfc('Nguyễn Văn An'));
    expect(normalizeText('')).toBe('');
    expect(normalizeText(' \n\t ')).toBe('');
  });
});

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance([...'kitten'], [...'sitting'])).toBe(3); // k→s, e→i, +g
    expect(editDistance([...'abc'], [...'abc'])).toBe(0);
    expect(editDistance([...'abc'], [...'abxc'])).toBe(1); // one insertion
    expect(editDistance([...'abxc'], [...'abc'])).toBe(1); // one deletion
    expect(editDistance([...'abc'], [...'axc'])).toBe(1); // one substitution
    expect(editDistance([...'ab'], [...'ba'])).toBe(2); // a swap is two edits, not one
  });

  it('measures against an empty side by the other side’s length', () => {
    expect(editDistance([], [])).toBe(0);
    expect(editDistance([], [...'abc'])).toBe(3);
    expect(editDistance([...'abcd'], [])).toBe(4);
  });

  it('works on words as well as characters', () => {
    expect(editDistance(['Tờ', 'khai'], ['Tờ', 'khai', 'sinh'])).toBe(1);
    expect(editDistance(['khai', 'Tờ'], ['Tờ', 'khai'])).toBe(2);
  });
});

describe('characterErrors', () => {
  it('counts a composed and a decomposed letter as the same character', () => {
    expect(characterErrors(nfd('Nguyễn Thị Hương'), nfc('Nguyễn Thị Hương'))).toEqual({ errors: 0, length: 16 });
    expect(characterErrors(nfc('Nguyễn'), nfd('Nguyễn'))).toEqual({ errors: 0, length: 6 });
  });

  it('counts a lost or wrong diacritic as one substitution', () => {
    expect(characterErrors('Huong', 'Hương')).toEqual({ errors: 2, length: 5 }); // ư→u, ơ→o
    expect(characterErrors(nfd('Hưỡng'), 'Hương')).toEqual({ errors: 1, length: 5 }); // ỡ (o+horn+tilde in NFD) for ơ: one letter
    expect(characterErrors('Đà Nẵng', 'Đà Nẳng')).toEqual({ errors: 1, length: 7 }); // ngã read as hỏi
    expect(characterErrors('Da Nang', 'Đà Nẵng')).toEqual({ errors: 3, length: 7 }); // Đ, à, ẵ
  });

  it('counts inserted and dropped characters, and ignores layout whitespace', () => {
    expect(characterErrors('Tờ khaii', 'Tờ khai')).toEqual({ errors: 1, length: 7 });
    expect(characterErrors('Tờ kha', 'Tờ khai')).toEqual({ errors: 1, length: 7 });
    expect(characterErrors('Tờkhai', 'Tờ khai')).toEqual({ errors: 1, length: 7 }); // a lost space is an error
    expect(characterErrors('  Tờ \n khai\n', 'Tờ khai')).toEqual({ errors: 0, length: 7 });
  });

  it('handles empty text on either side', () => {
    expect(characterErrors('', '')).toEqual({ errors: 0, length: 0 });
    expect(characterErrors('', 'Tờ khai')).toEqual({ errors: 7, length: 7 });
    expect(characterErrors('Tờ', '')).toEqual({ errors: 2, length: 0 });
  });
});

describe('wordErrors', () => {
  it('counts whole words, composed or not, in reading order', () => {
    const truth = 'Tờ khai đăng ký khai sinh';
    expect(wordErrors(nfd(truth), truth)).toEqual({ errors: 0, length: 6 });
    expect(wordErrors('Tờ khai đăng ký', truth)).toEqual({ errors: 2, length: 6 }); // two words dropped
    expect(wordErrors('Tờ khai dang ký khai sinh', truth)).toEqual({ errors: 1, length: 6 }); // one diacritic costs the word
    expect(wordErrors('Tờ khai đăng ký khai sinh bản sao', truth)).toEqual({ errors: 2, length: 6 }); // two inserted
    expect(wordErrors('khai Tờ đăng ký khai sinh', truth)).toEqual({ errors: 2, length: 6 }); // order counts
    expect(wordErrors('', '')).toEqual({ errors: 0, length: 0 });
    expect(wordErrors('  \n', truth)).toEqual({ errors: 6, length: 6 });
  });
});

describe('error rates', () => {
  it('divides errors by the truth length, and scores a blank page 0 when nothing was read, 1 otherwise', () => {
    expect(rate({ errors: 1, length: 4 })).toBe(0.25);
    expect(rate({ errors: 0, length: 0 })).toBe(0);
    expect(rate({ errors: 3, length: 0 })).toBe(1);
    expect(rate({ errors: 9, length: 3 })).toBe(3); // more noise read than there was text: above 1
  });

  it('characterErrorRate is errors over truth characters', () => {
    expect(characterErrorRate('Huong', 'Hương')).toBeCloseTo(2 / 5, 12);
    expect(characterErrorRate(nfd('Hương'), 'Hương')).toBe(0);
    expect(characterErrorRate('', '')).toBe(0);
    expect(characterErrorRate('', 'abc')).toBe(1);
  });
});
