import { describe, expect, it } from 'vitest';
import multer from 'multer';
import { AppError } from '@sohoa/shared';
import { errorAnswer } from './errors.ts';

describe('errorAnswer', () => {
  it('answers an AppError as it says, with server paths hidden', () => {
    expect(errorAnswer(new AppError('x', "cannot open '/srv/sohoa/data/pki/a.p12'", 422))).toEqual({ status: 422, code: 'x', message: "cannot open '<path>'" });
  });

  it('answers what the HTTP layer refuses with a 4xx and a reason', () => {
    const badPercent = Object.assign(new URIError("Failed to decode param '%E0%A4%A'"), { status: 400 });
    expect(errorAnswer(badPercent)).toMatchObject({ status: 400, code: 'bad-request' });
    expect(errorAnswer(Object.assign(new SyntaxError('Unexpected end of JSON input'), { type: 'entity.parse.failed', status: 400 }))).toMatchObject({ status: 400, code: 'invalid-json' });
    expect(errorAnswer(Object.assign(new Error('request entity too large'), { type: 'entity.too.large', status: 413 }))).toMatchObject({ status: 413, code: 'too-large' });
    expect(errorAnswer(new multer.MulterError('LIMIT_FIELD_VALUE', 'dossier'))).toMatchObject({ status: 400, code: 'limit-field-value' });
  });

  it('answers anything else with 500 and no detail, even when it carries a status', () => {
    const err = Object.assign(new Error("ENOENT: no such file, open '/srv/x'"), { statusCode: 403 }); // e.g. from the S3 client
    expect(errorAnswer(err)).toEqual({ status: 500, code: 'internal', message: 'internal error' });
    expect(errorAnswer(new RangeError('Maximum call stack size exceeded'))).toEqual({ status: 500, code: 'internal', message: 'internal error' });
  });
});
