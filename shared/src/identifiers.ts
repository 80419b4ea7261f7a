/**
 * The shapes of the identifiers that reach object keys, file paths and SQL: dossier, unit, procedure and component
 * codes. Whatever comes from outside (an HTTP field, a scanned QR code, a hot-folder directory name, a catalog
 * file) is checked against these before it is used, so none can carry '/', '..', a NUL or a control character.
 */
import { AppError } from './errors.ts';

/** Far above any real code (000.00.00.H00-261121-0007 is 25), far below what a B-tree index row can hold. */
export const MAX_CODE_LENGTH = 64;

/** Agency (unit) codes: dot-separated groups of letters and digits, e.g. 000.00.00.H00, G12.23.05. */
const UNIT_CODE = /^[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*$/;
/** Catalog codes: groups of letters, digits and '_' joined by single '.' or '-', e.g. KS, KS-TK, 1.001193.000.00.00.H12. */
const CATALOG_CODE = /^[0-9A-Za-z_]+(?:[.-][0-9A-Za-z_]+)*$/;
/**
 * Dossier code, decree 61/2018 art. 26: the receiving agency's code, the day received (yymmdd), the running number
 * of that day (4 digits, from 0001), e.g. 000.00.00.H00-261121-0007. Upper case: receipts print it so.
 */
const DOSSIER_CODE = /^([0-9A-Z]+(?:\.[0-9A-Z]+)*)-(\d{2})(\d{2})(\d{2})-(\d{4})$/;

export function isDossierCode(value: string): boolean {
  if (value.length > MAX_CODE_LENGTH) return false;
  const m = DOSSIER_CODE.exec(value);
  if (!m) return false;
  const [year, month, day] = [2000 + Number(m[2]), Number(m[3]), Number(m[4])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day && m[5] !== '0000';
}

export const isUnitCode = (value: string): boolean => value.length <= MAX_CODE_LENGTH && UNIT_CODE.test(value);
export const isCatalogCode = (value: string): boolean => value.length <= MAX_CODE_LENGTH && CATALOG_CODE.test(value);

/** Why a code was refused, in words for the clerk (and never the value itself: it may be 20 KB of anything). */
export const DOSSIER_CODE_RULE = 'a dossier code is the agency code, the date received (yymmdd) and the running number of that day, e.g. 000.00.00.H00-261121-0007';
export const UNIT_CODE_RULE = `a unit code is groups of letters and digits joined by dots, e.g. 000.00.00.H00, at most ${MAX_CODE_LENGTH} characters`;
export const CATALOG_CODE_RULE = `a code is groups of letters, digits and "_" joined by "." or "-", e.g. KS-TK, at most ${MAX_CODE_LENGTH} characters`;

/**
 * An owner identifier (mã định danh, ../shared/domain.md beside the checkout): a citizen's 12-digit personal identification number
 * (CCCD), or an organization's code: its enterprise/tax code (10 digits, a branch adds -NNN) or, for an agency,
 * its agency code (dot-separated groups, e.g. 000.00.00.H00). Anything else is refused with OWNER_IDENTIFIER_RULE.
 */
const PERSONAL_ID = /^\d{12}$/;
const TAX_CODE = /^\d{10}(?:-\d{3})?$/;
const AGENCY_CODE = /^[0-9A-Z]+(?:\.[0-9A-Z]+)+$/;

export function ownerIdentifierKind(value: string): 'person' | 'organization' | null {
  if (value.length > MAX_CODE_LENGTH) return null;
  if (PERSONAL_ID.test(value)) return 'person';
  if (TAX_CODE.test(value) || AGENCY_CODE.test(value)) return 'organization';
  return null;
}
export const isOwnerIdentifier = (value: string): boolean => ownerIdentifierKind(value) !== null;
export const OWNER_IDENTIFIER_RULE =
  'an owner identifier is a citizen\'s 12-digit personal identification number, or an organization\'s code: a 10-digit enterprise/tax code (a branch adds -NNN) or an agency code such as 000.00.00.H00';

/** Control characters (C0, DEL, C1): never part of a name, a code or a reason a person typed. */
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/** Throws a 422 naming the field when a code does not have its shape; for callers below the HTTP edge (hot folder). */
export function assertCode(kind: 'dossier' | 'unit' | 'procedure' | 'component', value: string): void {
  const ok = kind === 'dossier' ? isDossierCode(value) : kind === 'unit' ? isUnitCode(value) : isCatalogCode(value);
  if (ok) return;
  const rule = kind === 'dossier' ? DOSSIER_CODE_RULE : kind === 'unit' ? UNIT_CODE_RULE : CATALOG_CODE_RULE;
  throw new AppError('invalid-input', `${kind}: not a valid ${kind} code (${rule})`, 422);
}
