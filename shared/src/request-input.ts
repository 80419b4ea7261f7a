/**
 * Checking what arrives at the HTTP edge: request bodies, form fields and queries are parsed with zod schemas
 * built from the pieces below, and a refusal becomes a 422 that names the field and says why, without echoing
 * the value (it may be 20 KB of anything) or anything of the server.
 */
import { z, type ZodType } from 'zod';
import { isUuid } from './caller.ts';
import { AppError, type FieldProblem } from './errors.ts';
import {
  CATALOG_CODE_RULE, CONTROL_CHARACTERS, DOSSIER_CODE_RULE, isCatalogCode, isDossierCode, isUnitCode, MAX_CODE_LENGTH, UNIT_CODE_RULE,
} from './identifiers.ts';

/**
 * Parses `input` with `schema`, or throws a 422 `invalid-input` naming each field refused and why, in the message
 * and as `fields` (the error answer's `error.fields`).
 */
export function parseInput<T>(schema: ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new AppError('invalid-input', describeIssues(result.error.issues), 422, { fields: fieldProblems(result.error.issues) });
}

type Issue = { path: readonly PropertyKey[]; message: string };

/** One reason per field (the first), at most `max` fields: a 10,000-item array of bad ids says so once per item at most. */
export function fieldProblems(issues: readonly Issue[], max = 50): FieldProblem[] {
  const byField = new Map<string, string>();
  for (const issue of issues) {
    const field = issue.path.map(String).join('.') || 'body';
    if (!byField.has(field)) byField.set(field, issue.message);
    if (byField.size >= max) break;
  }
  return [...byField].map(([field, message]) => ({ field, message }));
}

/** "dossier: a dossier code is …; unit: Required": at most one reason per field, at most five fields. */
export function describeIssues(issues: readonly Issue[]): string {
  return fieldProblems(issues, 5).map(({ field, message }) => `${field}: ${message}`).join('; ');
}

/** Form fields and query values: surrounding space dropped, an empty value counts as not given. */
const given = (value: unknown) => {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
};

/** "required" when absent, rather than zod's "expected string, received undefined". */
const text = () => z.string({ error: (issue) => (issue.input === undefined ? 'required' : 'must be text') });

const code = (test: (value: string) => boolean, rule: string) =>
  z.preprocess(given, text().max(MAX_CODE_LENGTH, `at most ${MAX_CODE_LENGTH} characters`).refine(test, rule));

export const unitCodeInput = code(isUnitCode, UNIT_CODE_RULE);
export const catalogCodeInput = code(isCatalogCode, CATALOG_CODE_RULE);
export const dossierCodeInput = code((value) => isDossierCode(value.toUpperCase()), DOSSIER_CODE_RULE).transform((value) => value.toUpperCase());
/** Optional in a form or query: absent and empty are the same. */
export const optional = <T extends ZodType>(schema: T) => z.preprocess(given, schema.optional());

/** Free text a person typed (a name, a reason): no control characters, a sane length. */
export const textInput = (max: number) =>
  text().max(max, `at most ${max} characters`).refine((value) => !CONTROL_CHARACTERS.test(value), 'control characters (such as NUL) are not allowed');

/** A file path on the server named by an administrator (mounted secrets): no NUL, a sane length. */
export const serverPathInput = text().min(1).max(4096, 'at most 4096 characters').refine((value) => !value.includes('\0'), 'a path cannot contain NUL');

export const uuidInput = text().refine(isUuid, 'not an id');

/** Deeper than any document sohoa takes (a catalog is 5 levels), shallow enough for any recursive code after it. */
export const MAX_JSON_DEPTH = 64;

/**
 * The nesting depth of a JSON text, counted without parsing it (strings skipped), stopping as soon as it passes
 * `limit`: a 200,000-deep body costs one pass over its bytes and no stack.
 */
export function jsonNestingExceeds(bytes: Uint8Array, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === 0x5c) i++; // backslash: the next byte is escaped (UTF-8 continuation bytes are never '"' or '\')
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) inString = true;
    else if (b === 0x5b || b === 0x7b) {
      if (++depth > limit) return true;
    } else if (b === 0x5d || b === 0x7d) depth--;
  }
  return false;
}

/**
 * A `verify` hook for express.json: refuses absurd nesting before JSON.parse and everything after it
 * (validators, JSON.stringify) recurse into it.
 */
export function jsonDepthGuard(limit = MAX_JSON_DEPTH) {
  return (_req: unknown, _res: unknown, body: Buffer): void => {
    if (jsonNestingExceeds(body, limit)) throw new AppError('json-too-deep', `the JSON body is nested deeper than ${limit} levels`, 400);
  };
}
