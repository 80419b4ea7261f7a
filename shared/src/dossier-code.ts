/**
 * Dossier code per decree 61/2018 art. 26: receiving agency code, date received (yymmdd), running number of that day.
 * e.g. 000.00.00.H00-261121-0007. Vietnam time decides "the day".
 */
export function formatDossierCode(agencyCode: string, receivedAt: Date, runningNumber: number): string {
  if (!Number.isInteger(runningNumber) || runningNumber < 1 || runningNumber > 9999) throw new RangeError(`running number out of range: ${runningNumber}`);
  return `${agencyCode}-${vietnamDay(receivedAt).replace(/-/g, '').slice(2)}-${String(runningNumber).padStart(4, '0')}`;
}

/** yyyy-mm-dd of the instant in Vietnam (+07:00, no daylight saving). */
export function vietnamDay(at: Date): string {
  return new Date(at.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
}

/** The shape only; isDossierCode (identifiers.ts) also checks the date and the length. */
export const DOSSIER_CODE_PATTERN = /^[0-9A-Z]+(?:\.[0-9A-Z]+)*-\d{6}-\d{4}$/;
