/**
 * A refused field's reason in the UI's language. The server says each field problem in English words from its input
 * schemas (shared/src/request-input.ts, src/http/description.contract.ts, and zod's own words for numbers); the
 * answer carries no code for them, so they are known here by their kind, keeping the limit a kind names. Words of no
 * known kind are shown as the server gave them.
 */
import { translate, type Lang, type MessageKey } from './messages.ts';

const KINDS: readonly (readonly [kind: string, pattern: RegExp])[] = [
  ['required', /^required$/],
  ['text', /^must be text$/],
  ['too-long', /^at most (\d+) characters$/],
  ['control-characters', /^control characters\b/],
  ['date-format', /^a date (?:as )?YYYY-MM-DD$/],
  ['not-a-date', /^not a real date$/],
  ['not-a-whole-number', /^Invalid input: expected (?:int|number), received /],
  ['too-large', /^Too big: expected number to be <=(-?\d+)$/],
  ['too-small', /^Too small: expected number to be >=(-?\d+)$/],
  ['dates-reversed', /^StartDate comes after EndDate$/],
];

/** The kind of a field problem's words, and the number it names (a length, a bound), or null for words of no known kind. */
export function fieldProblemKind(message: string): { kind: string; limit: string } | null {
  for (const [kind, pattern] of KINDS) {
    const m = pattern.exec(message);
    if (m) return { kind, limit: m[1] ?? '' };
  }
  return null;
}

export function fieldProblemIn(lang: Lang, message: string): string {
  const found = fieldProblemKind(message);
  return found ? translate(lang, `fieldProblem.${found.kind}` as MessageKey, { limit: found.limit }) : message;
}

/** Every kind, for the catalogue's check that each is said in both languages. */
export const fieldProblemKinds: readonly string[] = KINDS.map(([kind]) => kind);
