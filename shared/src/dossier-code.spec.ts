import { describe, expect, it } from 'vitest';
import { DOSSIER_CODE_PATTERN, formatDossierCode, vietnamDay } from './dossier-code.ts';
import { retainUntil } from './domain.ts';

describe('dossier code', () => {
  it('is the agency code, the Vietnam date received as yymmdd, and the day running number', () => {
    const code = formatDossierCode('000.00.11.H01', new Date('2026-03-15T02:00:00Z'), 7);
    expect(code).toBe('000.00.11.H01-260315-0007');
    expect(code).toMatch(DOSSIER_CODE_PATTERN);
    expect('..-261121-0007').not.toMatch(DOSSIER_CODE_PATTERN);
  });

  it('counts the day in Vietnam time: 18:30 UTC is already the next day there', () => {
    expect(vietnamDay(new Date('2026-03-15T18:30:00Z'))).toBe('2026-03-16');
    expect(formatDossierCode('X', new Date('2026-12-31T17:00:00Z'), 1)).toBe('X-270101-0001');
  });

  it('refuses a running number outside 1..9999', () => {
    expect(() => formatDossierCode('X', new Date(), 0)).toThrow(RangeError);
    expect(() => formatDossierCode('X', new Date(), 10_000)).toThrow(RangeError);
  });
});

describe('retain-until', () => {
  it('counts whole years from the end of the year the work ended', () => {
    expect(retainUntil({ years: 20 }, new Date('2026-11-21T10:00:00Z'))).toBe('2046-12-31');
    expect(retainUntil({ years: 2 }, new Date('2026-01-01T00:00:00Z'))).toBe('2028-12-31');
  });
  it('has no date for permanent records', () => {
    expect(retainUntil('permanent', new Date())).toBeNull();
  });
});
