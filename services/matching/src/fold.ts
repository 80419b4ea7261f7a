/**
 * Vietnamese text folding: the common ground on which OCR output and catalog names are compared.
 * Tesseract's slips on Vietnamese are mostly in the diacritics (ư/u, ơ/o, đ/d, stacked or wrong
 * accents), so comparing without them removes most of the noise at once.
 */

const MARKS = /\p{M}/gu;

/** One character without its diacritics, lowercase: 'Ự' → 'u', 'Đ' → 'd'. */
function baseChar(ch: string): string {
  if (ch === 'đ' || ch === 'Đ' || ch === 'ð' || ch === 'Ð') return 'd';
  return ch.normalize('NFD').replace(MARKS, '').toLowerCase();
}

/** NFC, lowercase, diacritics off, đ→d, punctuation → space, whitespace collapsed. */
export function foldVietnamese(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[đĐðÐ]/g, 'd')
    .normalize('NFD')
    .replace(MARKS, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Folded the same way but keeping punctuation and one output UTF-16 unit per input unit of the
 * NFC text, so that a match found in the folded text can be cut out of the original with the same
 * indices (names keep their diacritics).
 */
export function foldKeepingPositions(nfcText: string): string {
  let out = '';
  for (const ch of nfcText) {
    const base = baseChar(ch);
    // One UTF-16 unit out per unit in: characters that fold to nothing or to several letters
    // (and astral ones) keep their slots with neutral stand-ins.
    out += base.length === ch.length ? base : ' '.repeat(ch.length);
  }
  return out;
}

/** Folded tokens of a text. */
export function tokens(text: string): string[] {
  const folded = foldVietnamese(text);
  return folded ? folded.split(' ') : [];
}
