/**
 * Retention of a record (the project brief's ../shared/domain.md beside the checkout, "Retention and disposition"): the component's retention in the catalog,
 * counted from the end of the year the archival file closed; a record of no known component, or of a component
 * with no retention, is kept permanently (nothing is destroyed by default). Pure: tested on plain data.
 *
 * Until its file closes, a record's retain-until is provisional, counted from the day it was archived: a file
 * closes after its papers are archived, so the provisional date is never later than the real one, and the real
 * one replaces it when the file closes (`fileClosed`). Disposition refuses provisional dates (`disposable`).
 */
import type { Retention } from '@sohoa/shared';

export interface RetentionInput {
  /** Whether the document matched a component of the catalog. */
  hasComponent: boolean;
  /** The component's retention in years; null = permanent. */
  retentionYears: number | null;
  /** When the archival file (the dossier) closed, or null while it is open. */
  fileClosedAt: Date | null;
  /** When the record was archived: the provisional start while the file is open. */
  archivedAt: Date;
}

export interface RecordRetention {
  retention: Retention;
  permanent: boolean;
  /** 'YYYY-12-31' of (start year + years), Vietnam time; null when permanent. */
  retainUntil: string | null;
  /** 'YYYY-MM-DD': the day the count starts from. */
  countedFrom: string;
  provisional: boolean;
}

/** The calendar day in Vietnam (+07:00, no daylight saving): a file closed on 31 Dec at 23:30 local closed that year. */
export function vietnamDate(at: Date): string {
  return new Date(at.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
}

export function recordRetention(input: RetentionInput): RecordRetention {
  const start = input.fileClosedAt ?? input.archivedAt;
  const countedFrom = vietnamDate(start);
  const years = input.hasComponent ? input.retentionYears : null;
  if (years === null) return { retention: 'permanent', permanent: true, retainUntil: null, countedFrom, provisional: input.fileClosedAt === null };
  if (!Number.isInteger(years) || years < 1) throw new RangeError(`retention must be a whole number of years, not ${years}`);
  const year = Number(countedFrom.slice(0, 4)) + years;
  return { retention: { years }, permanent: false, retainUntil: `${year}-12-31`, countedFrom, provisional: input.fileClosedAt === null };
}

/** Retention has ended when the day after retain-until has begun (Vietnam time). */
export function retentionEnded(retainUntil: string | null, today: string): boolean {
  return retainUntil !== null && retainUntil < today;
}
