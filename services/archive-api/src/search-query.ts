/**
 * The search box, parsed: pure functions from what a person typed to a PostgreSQL tsquery, no I/O. Words are
 * folded as the database folds them (the `sohoa` text search configuration: unaccent, then lower case), so
 * "giay chung nhan", "Giấy chứng nhận" and "GIẤY CHỨNG NHẬN" are the same query, and đ is d.
 *
 *   word        every word must be there (in the text or the metadata)
 *   "a b c"     the words next to each other, in that order
 *   word*       a word starting so
 *   CODE-1.2    a code (dossier code, identifier, number) kept whole
 */

export type Term =
  | { kind: 'word'; word: string }
  | { kind: 'phrase'; words: string[] }
  | { kind: 'prefix'; word: string }
  | { kind: 'code'; code: string };

/** Lower case, diacritics off, đ → d: the folding of migration 1765100000000 (sohoa_fold and the `sohoa` configuration). */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase().normalize('NFC');
}

/** Words as the PostgreSQL default parser cuts them: runs of letters and digits. */
const wordsOf = (text: string): string[] => fold(text).match(/[\p{L}\p{N}]+/gu) ?? [];

/** A token with a digit and a joiner inside ("000.00.00.H00-261121-0007", "12/2025/QĐ-UBND") is a code. */
const CODE = /^(?=.*\d)[\p{L}\p{N}]+(?:[.\-/][\p{L}\p{N}]+)+$/u;

export const MAX_TERMS = 16;

export function parseQuery(q: string): Term[] {
  const terms: Term[] = [];
  const pattern = /"([^"]*)"?|(\S+)/g;
  for (const m of q.normalize('NFC').matchAll(pattern)) {
    if (m[1] !== undefined) {
      const words = wordsOf(m[1]);
      if (words.length === 1) terms.push({ kind: 'word', word: words[0]! });
      else if (words.length > 1) terms.push({ kind: 'phrase', words });
      continue;
    }
    const token = m[2]!.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}*]+$/gu, '');
    if (CODE.test(token)) {
      terms.push({ kind: 'code', code: fold(token) });
    } else if (token.endsWith('*') && wordsOf(token).length === 1) {
      terms.push({ kind: 'prefix', word: wordsOf(token)[0]! });
    } else {
      for (const word of wordsOf(token)) terms.push({ kind: 'word', word });
    }
  }
  return terms.slice(0, MAX_TERMS);
}

/** The words worth a look-up for OCR slips: plain words of at least four letters (digits never). */
export function slipCandidates(terms: readonly Term[]): string[] {
  return [...new Set(terms.flatMap((t) => (t.kind === 'word' && /^\p{L}{4,}$/u.test(t.word) ? [t.word] : [])))];
}

/** Edit distance (insert, delete, substitute), stopping early once it is over `max`. */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      best = Math.min(best, current[j]!);
    }
    if (best > max) return max + 1;
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * Among the words the records hold that look like a query word (trigram neighbours), those one slip away: one
 * letter read wrong, added or lost. Only for a word no record holds as typed.
 */
export function oneSlipAway(word: string, neighbours: readonly string[]): string[] {
  return neighbours.filter((n) => n !== word && editDistance(word, n, 1) === 1).sort();
}

/** A lexeme inside a tsquery: quoted, so nothing in it is read as an operator. Lexemes hold letters, digits, . - / only. */
const lexeme = (text: string, prefix = false) => `'${text.replace(/'/g, "''")}'${prefix ? ':*' : ''}`;

function termQuery(t: Term, slips: ReadonlyMap<string, string[]>): string {
  switch (t.kind) {
    case 'word': {
      const alternatives = [t.word, ...(slips.get(t.word) ?? [])];
      return alternatives.length === 1 ? lexeme(t.word) : `(${alternatives.map((w) => lexeme(w)).join(' | ')})`;
    }
    case 'phrase':
      return `(${t.words.map((w) => lexeme(w)).join(' <-> ')})`;
    case 'prefix':
      return lexeme(t.word, true);
    case 'code': {
      // Kept whole in the vector (migration), and also as the parser's pieces in the text of the pages.
      const pieces = wordsOf(t.code);
      return `(${lexeme(t.code)} | (${pieces.map((w) => lexeme(w)).join(' <-> ')}))`;
    }
  }
}

export interface TsQueries {
  /** Every term must match: which records are found. */
  match: string;
  /** Any term: which pages get a snippet (a record may match on its metadata and one page per word). */
  highlight: string;
}

/** The tsquery texts (cast with ::tsquery, never re-parsed), or null for an empty query. */
export function tsQueries(terms: readonly Term[], slips: ReadonlyMap<string, string[]> = new Map()): TsQueries | null {
  if (terms.length === 0) return null;
  const parts = terms.map((t) => termQuery(t, slips));
  return { match: parts.join(' & '), highlight: parts.join(' | ') };
}

/**
 * The query with every phrase loosened to its words, all required (`'a' <-> 'b'` → `'a' & 'b'`): what the GIN index
 * answers exactly, from its posting lists alone. A phrase needs the words' positions, read from each record's
 * vector, so the search narrows with this first and checks the phrase only on what it keeps. Lexemes are quoted
 * and hold no `<`, so the text replacement cannot touch one.
 */
export function loosenPhrases(tsquery: string): string {
  return tsquery.replaceAll(' <-> ', ' & ');
}

/** An opaque page cursor: where the last item of the page stood in the order. */
export type Cursor = { sort: 'relevance'; rank: number; id: string } | { sort: 'date'; at: string; id: string };

export const encodeCursor = (c: Cursor): string => Buffer.from(JSON.stringify(c)).toString('base64url');

export function decodeCursor(text: string): Cursor | null {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    if (typeof c?.id !== 'string' || !uuid.test(c.id)) return null;
    if (c.sort === 'relevance' && Number.isFinite(c.rank)) return { sort: 'relevance', rank: c.rank, id: c.id };
    // PostgreSQL's own text of the time (microseconds kept: a JS Date would round them away and skip rows).
    if (c.sort === 'date' && typeof c.at === 'string' && /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)$/.test(c.at)) return { sort: 'date', at: c.at, id: c.id };
    return null;
  } catch {
    return null;
  }
}
