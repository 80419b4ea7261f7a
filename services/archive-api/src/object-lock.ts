/**
 * What S3 Object Lock is asked to keep a record version for (the project brief's ../shared/domain.md beside the checkout, "Retention and disposition", Object storage): COMPLIANCE (nobody can
 * shorten or lift it) for records kept permanently, GOVERNANCE (a privileged user may, with the bypass header) for
 * fixed terms unless a setting says COMPLIANCE. S3 needs a date even for "permanent": a far one, extended later
 * (a retain-until can only be moved later). Pure.
 */
import type { RetentionLock } from '@sohoa/shared';

export interface LockSettings {
  /** Mode for fixed terms (S3_LOCK_MODE_FIXED_TERM); permanent records are always COMPLIANCE. */
  fixedTermMode: 'GOVERNANCE' | 'COMPLIANCE';
  /** How far ahead a permanent record's lock reaches (S3_LOCK_PERMANENT_YEARS). */
  permanentYears: number;
}

export const defaultLockSettings: LockSettings = { fixedTermMode: 'GOVERNANCE', permanentYears: 100 };

/** The lock for a record: held to the first instant retention has ended (1 January after retain-until, Vietnam time). */
export function objectLockFor(r: { permanent: boolean; retainUntil: string | null }, settings: LockSettings, now: Date, versionId?: string): RetentionLock {
  const version = versionId ? { versionId } : {};
  if (r.permanent || r.retainUntil === null) {
    const year = now.getUTCFullYear() + settings.permanentYears;
    return { mode: 'COMPLIANCE', retainUntil: new Date(`${year + 1}-01-01T00:00:00+07:00`), ...version };
  }
  const year = Number(r.retainUntil.slice(0, 4));
  return { mode: settings.fixedTermMode, retainUntil: new Date(`${year + 1}-01-01T00:00:00+07:00`), ...version };
}
