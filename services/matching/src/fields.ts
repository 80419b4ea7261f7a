/**
 * Key fields of a paper, from its OCR text: the owner's 12-digit identification number, names
 * after the forms' name labels, dates, the document number. Patterns run on a folded copy of the
 * text (diacritics off, same positions) so that OCR accent slips do not hide a label, and values
 * are cut from the original so names keep their diacritics.
 */
import { foldKeepingPositions } from './fold.ts';
import type { ExtractedFields } from './types.ts';

/** 12 digits, possibly grouped by spaces as some forms print them; OCR may read 0 as O. */
const IDENTIFIER = /(?<![\dA-Za-z])([\dOo](?:[ ]?[\dOo]){11})(?![\dA-Za-z])/g;

/**
 * Labels that introduce a person's full name on the sample catalog's papers, folded. Longest first
 * so "họ và tên người yêu cầu" is taken whole rather than stopping at "họ và tên".
 */
const NAME_LABELS = [
  /ho,? chu dem,? (?:va )?ten(?: (?:nguoi yeu cau|nguoi me|nguoi cha|nguoi chet|nguoi duoc uy quyen|nguoi uy quyen|nguoi di khai tu|chu ho))?/,
  /ho va ten(?: (?:nguoi yeu cau chung thuc|nguoi yeu cau|nguoi chet|me|cha|chu ho|nguoi duoc uy quyen|nguoi uy quyen|ben cho thue|ben thue))?/,
  /(?:ten )?chu dau tu/,
  /toi (?:la|ten la)(?: \([^)]*\))?/,
  /ong\/ba/,
];
/** Label words may be joined by hyphens or several spaces on OCR output, and 'tên' read as 'tôn'. */
const LABEL_SOURCE = NAME_LABELS.map((r) => r.source.replace(/ /g, '[\\s-]+').replace(/ten/g, 't[eo]n')).join('|');
const LABEL_LINE = new RegExp(`(?:^|[\\n.;]\\s*|\\b)(${LABEL_SOURCE})\\s*[:;.]\\s*`, 'g');

/** A name: 2–6 capitalized words of letters. Stops at the first word that is not one. */
const NAME_WORD = /^\p{Lu}[\p{L}]*$/u;

const NUMERIC_DATE = /(?<!\d)(\d{1,2})\s?[/.-]\s?(\d{1,2})\s?[/.-]\s?(\d{4})(?!\d)/g;
/** "ngày 25 tháng 03 năm 2025", folded; OCR may read 'năm' as 'ndm' or join words with a hyphen. */
const WORDED_DATE = /ng[a-z]y[\s-]+(\d{1,2})[\s-]+th[a-z]ng[\s-]+(\d{1,2})[\s-]+n[a-z]m[\s-]+(\d{4})/g;
/**
 * "Số: 9143/GCS", "Số: 12/2025/QĐ-UBND": a line of its own starting with "Số" and the colon (not
 * "thửa đất số: 132", not "Số định danh cá nhân: …"); OCR reads 'Số' as 'S6' or '$6' at times.
 */
const DOCUMENT_NUMBER = /(?:^|\n)[^\p{L}\d\n]{0,4}[s$5][o06]\s*[:.]\s*([0-9][0-9A-Za-z]*(?:\s?\/\s?[0-9A-Za-z.-]+)*)/gu;

function isoDate(day: number, month: number, year: number): string | null {
  if (year < 1900 || year > 2100 || month < 1 || month > 12 || day < 1) return null;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > last) return null;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function cleanName(raw: string): string | null {
  const words = raw.split(/\s+/).filter(Boolean);
  const kept: string[] = [];
  for (const w of words) {
    const word = w.replace(/[,;.:]+$/, '');
    if (!NAME_WORD.test(word)) break;
    kept.push(word.length > 1 && word === word.toUpperCase() ? word[0] + word.slice(1).toLowerCase() : word);
    if (w !== word) break; // punctuation ends the name
  }
  if (kept.length < 2 || kept.length > 6) return null;
  return kept.join(' ');
}

export function extractFields(text: string): ExtractedFields {
  const nfc = text.normalize('NFC');
  const folded = foldKeepingPositions(nfc);
  // Same length, same positions: a span found in the folded text is cut from the original.
  const cut = (start: number, end: number): string => nfc.slice(start, end);

  const identifiers: string[] = [];
  for (const m of folded.matchAll(IDENTIFIER)) {
    const digits = m[1].replace(/ /g, '').replace(/o/gi, '0');
    if (digits.length === 12 && /^\d{12}$/.test(digits) && !identifiers.includes(digits)) identifiers.push(digits);
  }

  const names: string[] = [];
  for (const line of splitLines(folded)) {
    LABEL_LINE.lastIndex = 0;
    for (const m of line.text.matchAll(LABEL_LINE)) {
      const valueStart = line.start + (m.index ?? 0) + m[0].length;
      const lineEnd = line.start + line.text.length;
      const name = cleanName(cut(valueStart, lineEnd));
      if (name && !names.some((n) => n.toLowerCase() === name.toLowerCase())) names.push(name);
    }
  }

  const dates: string[] = [];
  const addDate = (d: string | null): void => {
    if (d && !dates.includes(d)) dates.push(d);
  };
  const found: Array<{ at: number; iso: string | null }> = [];
  for (const m of folded.matchAll(NUMERIC_DATE)) found.push({ at: m.index ?? 0, iso: isoDate(+m[1], +m[2], +m[3]) });
  for (const m of folded.matchAll(WORDED_DATE)) found.push({ at: m.index ?? 0, iso: isoDate(+m[1], +m[2], +m[3]) });
  found.sort((a, b) => a.at - b.at).forEach((f) => addDate(f.iso));

  let documentNumber: string | null = null;
  for (const m of folded.matchAll(DOCUMENT_NUMBER)) {
    const start = (m.index ?? 0) + m[0].length - m[1].length;
    documentNumber = cut(start, start + m[1].length).replace(/\s+/g, '');
    break;
  }

  return { ownerIdentifier: identifiers[0] ?? null, identifiers, fullName: names[0] ?? null, names, dates, documentNumber };
}

function splitLines(text: string): Array<{ text: string; start: number }> {
  const out: Array<{ text: string; start: number }> = [];
  let start = 0;
  for (const part of text.split('\n')) {
    out.push({ text: part, start });
    start += part.length + 1;
  }
  return out;
}
