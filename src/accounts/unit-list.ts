/**
 * A unit list to import (JSON array or CSV with code,name,parent[,kind]): read, checked row by row, and put in an
 * order where every parent comes before its children. Pure: the repository inserts what this returns, in one
 * transaction, so a bad row leaves nothing half-imported.
 */
import { AppError, CONTROL_CHARACTERS, isUnitCode, UNIT_CODE_RULE } from '@sohoa/shared';

export const unitKinds = ['province', 'district', 'ward', 'department', 'other'] as const;
export type UnitKind = (typeof unitKinds)[number];

export interface UnitRow { code: string; name: string; parent: string | null; kind: UnitKind | null }
/** A row with where it came from, so an error can name it ("row 7"). */
export interface NumberedUnitRow extends UnitRow { row: number }

const MAX_ROWS = 20_000;
const MAX_NAME = 300;

const invalid = (row: number, message: string) => new AppError('invalid-unit-list', `row ${row}: ${message}`, 422);

/** Checks one row's fields; `row` is 1-based (JSON: the array item; CSV: the record after the header line). */
export function checkUnitRow(raw: Record<string, unknown>, row: number): NumberedUnitRow {
  const field = (name: string): string | null => {
    const value = raw[name];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') throw invalid(row, `${name} must be text`);
    const trimmed = value.trim();
    return trimmed === '' ? null : trimmed;
  };
  const code = field('code');
  if (!code) throw invalid(row, 'code is missing');
  if (!isUnitCode(code)) throw invalid(row, `code "${code.slice(0, 70)}": ${UNIT_CODE_RULE}`);
  const name = field('name');
  if (!name) throw invalid(row, `unit ${code} has no name`);
  if (name.length > MAX_NAME || CONTROL_CHARACTERS.test(name)) throw invalid(row, `the name of ${code} must be at most ${MAX_NAME} characters, without control characters`);
  const parent = field('parent');
  if (parent !== null && !isUnitCode(parent)) throw invalid(row, `parent "${parent.slice(0, 70)}" of ${code}: ${UNIT_CODE_RULE}`);
  if (parent === code) throw invalid(row, `unit ${code} cannot be its own parent`);
  const kind = field('kind');
  if (kind !== null && !(unitKinds as readonly string[]).includes(kind)) throw invalid(row, `kind of ${code} must be one of ${unitKinds.join(', ')}`);
  return { row, code, name, parent, kind: kind as UnitKind | null };
}

/** A JSON array of {code, name, parent?, kind?}. */
export function parseUnitJson(text: string): NumberedUnitRow[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    throw new AppError('invalid-unit-list', 'the unit list is not valid JSON', 422);
  }
  if (!Array.isArray(parsed)) throw new AppError('invalid-unit-list', 'the unit list must be a JSON array of {"code", "name", "parent"?, "kind"?}', 422);
  if (parsed.length > MAX_ROWS) throw new AppError('invalid-unit-list', `at most ${MAX_ROWS} units per import`, 422);
  return parsed.map((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw invalid(i + 1, 'must be an object {"code", "name", "parent"?}');
    return checkUnitRow(item as Record<string, unknown>, i + 1);
  });
}

/** RFC 4180 CSV (quoted fields, "" inside quotes, CRLF or LF). Rows are numbered by their record, header = row 0. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let i = 0;
  const s = text.replace(/^\uFEFF/, '');
  while (i < s.length) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') { cell += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i++; continue; }
      cell += c; i++; continue;
    }
    if (c === '"' && cell === '') { quoted = true; i++; continue; }
    if (c === ',') { row.push(cell); cell = ''; i++; continue; }
    if (c === '\r' || c === '\n') {
      row.push(cell); rows.push(row); row = []; cell = '';
      i += c === '\r' && s[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    cell += c; i++;
  }
  if (quoted) throw new AppError('invalid-unit-list', `row ${rows.length}: a quoted field is not closed`, 422);
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows.filter((r) => !(r.length === 1 && r[0]!.trim() === '')); // blank lines
}

/** CSV with a header naming at least code and name (parent and kind optional), in any order. */
export function parseUnitCsv(text: string): NumberedUnitRow[] {
  const [header, ...records] = parseCsv(text);
  const columns = (header ?? []).map((h) => h.trim().toLowerCase());
  if (!columns.includes('code') || !columns.includes('name')) {
    throw new AppError('invalid-unit-list', 'the CSV needs a header line naming its columns: code,name,parent (kind optional)', 422);
  }
  if (records.length > MAX_ROWS) throw new AppError('invalid-unit-list', `at most ${MAX_ROWS} units per import`, 422);
  return records.map((cells, i) => {
    if (cells.length > columns.length) throw invalid(i + 1, `${cells.length} fields, the header names ${columns.length}`);
    return checkUnitRow(Object.fromEntries(columns.map((c, k) => [c, cells[k] ?? ''])), i + 1);
  });
}

/** JSON when it looks like JSON (or the caller says so), else CSV. */
export function parseUnitList(text: string, format?: 'json' | 'csv'): NumberedUnitRow[] {
  const looksJson = /^\s*\[/.test(text.replace(/^\uFEFF/, ''));
  return (format ?? (looksJson ? 'json' : 'csv')) === 'json' ? parseUnitJson(text) : parseUnitCsv(text);
}

/**
 * The rows with every parent before its children. A parent must be in the list or among `existing` units (code →
 * its current parent code); a code listed twice, an unknown parent or a cycle (also through existing units whose
 * parent the list changes) names the row.
 */
export function orderForImport(rows: readonly NumberedUnitRow[], existing: ReadonlyMap<string, string | null>): NumberedUnitRow[] {
  const byCode = new Map<string, NumberedUnitRow>();
  for (const r of rows) {
    const first = byCode.get(r.code);
    if (first) throw invalid(r.row, `unit ${r.code} is listed twice (also row ${first.row})`);
    byCode.set(r.code, r);
  }
  const parentOf = (code: string): string | null => (byCode.has(code) ? byCode.get(code)!.parent : existing.get(code) ?? null);
  for (const r of rows) {
    if (r.parent !== null && !byCode.has(r.parent) && !existing.has(r.parent)) throw invalid(r.row, `parent ${r.parent} of ${r.code} is neither in the list nor a known unit`);
    // Walk up: reaching the unit itself again is a cycle.
    const seen = new Set([r.code]);
    for (let p = r.parent; p !== null; p = parentOf(p)) {
      if (seen.has(p)) throw invalid(r.row, `unit ${r.code} would be below itself (parent chain ${[...seen, p].join(' → ')})`);
      seen.add(p);
    }
  }
  const ordered: NumberedUnitRow[] = [];
  const placed = new Set<string>();
  const place = (r: NumberedUnitRow) => {
    if (placed.has(r.code)) return;
    if (r.parent && byCode.has(r.parent)) place(byCode.get(r.parent)!);
    placed.add(r.code);
    ordered.push(r);
  };
  rows.forEach(place);
  return ordered;
}
