import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from './errors.ts';
import { dossierCodeInput, jsonDepthGuard, jsonNestingExceeds, optional, parseInput, textInput, unitCodeInput } from './request-input.ts';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('JSON nesting depth, counted before parsing', () => {
  it('counts arrays and objects, not brackets inside strings', () => {
    expect(jsonNestingExceeds(bytes('{"a":[[1]]}'), 3)).toBe(false);
    expect(jsonNestingExceeds(bytes('{"a":[[[1]]]}'), 3)).toBe(true);
    expect(jsonNestingExceeds(bytes('{"a":"[[[[[[\\"[[[[","b":"ệ{{{{"}'), 1)).toBe(false);
  });

  it('stops a 200,000-deep body in one pass', () => {
    const deep = bytes(`{"procedures":${'['.repeat(200_000)}${']'.repeat(200_000)}}`);
    const started = performance.now();
    expect(jsonNestingExceeds(deep, 64)).toBe(true);
    expect(performance.now() - started).toBeLessThan(200);
    expect(() => jsonDepthGuard(64)(null, null, deep)).toThrow(AppError);
  });
});

describe('parseInput', () => {
  const Fields = z.object({ unit: unitCodeInput, dossier: optional(dossierCodeInput), reason: optional(textInput(100)) });

  it('returns the parsed fields: trimmed, empty as absent, dossier codes upper case', () => {
    expect(parseInput(Fields, { unit: ' 000.00.00.H00 ', dossier: '000.00.00.h00-261121-0007', reason: '' })).toEqual({ unit: '000.00.00.H00', dossier: '000.00.00.H00-261121-0007' });
  });

  it('refuses with a 422 naming each field and why, never echoing the value', () => {
    const value = `../../${'x'.repeat(20_000)}`;
    let error: AppError | undefined;
    try {
      parseInput(Fields, { dossier: value, reason: 'a\u0000b' });
    } catch (e) {
      error = e as AppError;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error!.status).toBe(422);
    expect(error!.code).toBe('invalid-input');
    expect(error!.message).toMatch(/unit: required/);
    expect(error!.message).toMatch(/dossier: /);
    expect(error!.message).toMatch(/reason: control characters/);
    expect(error!.message).not.toContain('xxxxxxxxxx');
  });
});
