import { describe, expect, it } from 'vitest';
import multer from 'multer';
import { z } from 'zod';
import { AppError, parseInput, unitCodeInput } from '@sohoa/shared';
import { errorAnswer } from './errors.ts';
import { ErrorBody } from './openapi/contract.ts';

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

  it('lists each refused field of a request, in the message and in `fields`, with server paths hidden', () => {
    const schema = z.object({ unit: unitCodeInput, pages: z.array(z.string().max(3, 'too long: /srv/x')) });
    let refused: unknown;
    try {
      parseInput(schema, { unit: 'a b', pages: ['ok', 'toolong'] });
    } catch (err) {
      refused = err;
    }
    const answer = errorAnswer(refused);
    expect(answer).toMatchObject({ status: 422, code: 'invalid-input' });
    expect(answer.fields).toEqual([
      { field: 'unit', message: expect.stringContaining('a unit code is') },
      { field: 'pages.1', message: 'too long: <path>' },
    ]);
    expect(answer.message).toContain('pages.1: too long');
    const { status: _status, ...error } = answer;
    expect(ErrorBody.parse({ error })).toEqual({ error });
    expect(errorAnswer(new multer.MulterError('LIMIT_FIELD_VALUE', 'dossier')).fields).toEqual([{ field: 'dossier', message: 'Field value too long' }]);
    expect(errorAnswer(new AppError('not-found', 'batch not found', 404))).not.toHaveProperty('fields');
  });

  it('answers anything else with 500 and no detail, even when it carries a status', () => {
    const err = Object.assign(new Error("ENOENT: no such file, open '/srv/x'"), { statusCode: 403 }); // e.g. from the S3 client
    expect(errorAnswer(err)).toEqual({ status: 500, code: 'internal', message: 'internal error' });
    expect(errorAnswer(new RangeError('Maximum call stack size exceeded'))).toEqual({ status: 500, code: 'internal', message: 'internal error' });
  });
});
