import type Tesseract from 'tesseract.js';

/** Tesseract's block/paragraph/line/word tree → words with reading-order line numbers and plain text. */

export interface WordBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface OcrWord {
  text: string;
  confidence: number;
  box: WordBox;
  line: number;
}

export interface PageText {
  text: string;
  words: OcrWord[];
  confidence: number;
}

/**
 * The only corrections made: Unicode NFC (tesseract may emit decomposed diacritics), and whitespace
 * (stray spaces, tabs, zero-width characters). Nothing that guesses at words.
 */
export function cleanWord(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\u200B-\u200D\uFEFF]/g, '')
    .replace(/\s+/g, '');
}

export function pageText(page: Pick<Tesseract.Page, 'blocks'>): PageText {
  const words: OcrWord[] = [];
  const paragraphs: string[] = [];
  let line = 0;
  for (const block of page.blocks ?? []) {
    for (const paragraph of block.paragraphs) {
      const lines: string[] = [];
      for (const tLine of paragraph.lines) {
        const texts: string[] = [];
        for (const word of tLine.words) {
          const text = cleanWord(word.text);
          if (!text) continue;
          texts.push(text);
          const { x0, y0, x1, y1 } = word.bbox;
          words.push({ text, confidence: word.confidence, box: { x0, y0, x1, y1 }, line });
        }
        if (texts.length) {
          lines.push(texts.join(' '));
          line++;
        }
      }
      if (lines.length) paragraphs.push(lines.join('\n'));
    }
  }
  const confidence = words.length ? words.reduce((sum, w) => sum + w.confidence, 0) / words.length : 0;
  return { text: paragraphs.join('\n\n'), words, confidence };
}

/** Mean confidence weighted by word length, counting only words with a letter or digit. */
export function readability(page: Pick<Tesseract.Page, 'blocks'>): number {
  return wordsReadability(pageText(page).words);
}

/** Readability of words already extracted (see readability). */
export function wordsReadability(words: Pick<OcrWord, 'text' | 'confidence'>[]): number {
  let weighted = 0;
  let length = 0;
  for (const w of words) {
    const n = [...w.text].filter((c) => /[\p{L}\p{N}]/u.test(c)).length;
    weighted += w.confidence * n;
    length += n;
  }
  return length ? weighted / length : 0;
}
