import { describe, expect, it } from 'vitest';
import { AppError } from './errors.ts';
import { assertCode, isCatalogCode, isDossierCode, isUnitCode, ownerIdentifierKind } from './identifiers.ts';

describe('dossier codes (decree 61/2018 art. 26)', () => {
  it('takes the agency code, a real yymmdd date and the running number of the day', () => {
    expect(isDossierCode('000.00.00.H00-261121-0007')).toBe(true);
    expect(isDossierCode('G12.23-240229-9999')).toBe(true); // 2024 is a leap year
  });

  it('refuses anything that could climb out of a folder or is not a code', () => {
    for (const code of ['../../../../tmp/x', '..-261121-0007', '.H00-261121-0007', '000..00-261121-0007', '000.00.00.H00-261121-0007/../x',
      '000.00.00.H00\\x-261121-0007', '000.00.00.H00-261121-0007\u0000', ' 000.00.00.H00-261121-0007', '000.00.00.h00-261121-0007', '']) {
      expect(isDossierCode(code), JSON.stringify(code)).toBe(false);
    }
  });

  it('refuses impossible dates, running number 0000 and codes longer than 64 characters', () => {
    expect(isDossierCode('000.00.00.H00-251301-0001')).toBe(false); // month 13
    expect(isDossierCode('000.00.00.H00-250229-0001')).toBe(false); // 2025 is no leap year
    expect(isDossierCode('000.00.00.H00-251121-0000')).toBe(false);
    expect(isDossierCode(`${'A.'.repeat(30)}A-251121-0001`)).toBe(false);
    expect(isDossierCode(`000.00.00.H00-261121-${'1'.repeat(20_000)}`)).toBe(false);
  });
});

describe('unit and catalog codes', () => {
  it('takes the codes in use', () => {
    for (const code of ['000.00.00.H00', 'G12', 'H00']) expect(isUnitCode(code)).toBe(true);
    for (const code of ['KS', 'KS-TK', 'HKD-GDN', '1.001193.000.00.00.H12', 'XX_1']) expect(isCatalogCode(code)).toBe(true);
  });

  it('refuses separators, dots in a row, spaces, control characters and length', () => {
    for (const code of ['..', '../x', 'a/b', 'a\\b', 'a..b', '.a', 'a.', 'KHÔNG PHẢI MÃ', 'a\u0000', 'a\nb', 'x'.repeat(65)]) {
      expect(isUnitCode(code), JSON.stringify(code)).toBe(false);
      expect(isCatalogCode(code), JSON.stringify(code)).toBe(false);
    }
    expect(isUnitCode('KS-TK')).toBe(false); // unit codes have no hyphen
  });

  it('assertCode throws a 422 naming the field, without the value', () => {
    const long = 'x'.repeat(20_000);
    const error = (() => { try { assertCode('dossier', long); } catch (e) { return e; } })() as AppError;
    expect(error).toBeInstanceOf(AppError);
    expect(error.status).toBe(422);
    expect(error.message).toMatch(/^dossier: /);
    expect(error.message).not.toContain(long.slice(0, 100));
    expect(() => assertCode('unit', '000.00.00.H00')).not.toThrow();
  });
});

describe('owner identifiers (mã định danh)', () => {
  it('takes a 12-digit personal number, a tax code (with its branch) and an agency code', () => {
    expect(ownerIdentifierKind('079123456789')).toBe('person');
    for (const code of ['0312345678', '0312345678-001', '000.00.00.H00', 'G12.23']) expect(ownerIdentifierKind(code), code).toBe('organization');
  });

  it('refuses anything else: too short or long, letters in a number, spaces, a lone code, lower case', () => {
    for (const code of ['07912345678', '0791234567890', '07912345678O', ' 079123456789', '079 123 456 789', '0312345678-1', 'H00', '000.00.00.h00', '../x', '', '9'.repeat(70)]) {
      expect(ownerIdentifierKind(code), JSON.stringify(code)).toBeNull();
    }
  });
});
