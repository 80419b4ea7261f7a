import type { NextFunction, Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { AppError, isObjectMissing, redactPaths, type FieldProblem, type Logger } from '@sohoa/shared';

/** Every error the API answers has this one shape: `{"error": {"code", "message", "fields"?}}` (ErrorBody in openapi/). */
export interface ErrorAnswer { status: number; code: string; message: string; fields?: FieldProblem[] }

/**
 * What the API answers for an error: an AppError as it says; what the HTTP layer's own parts refuse (body parser,
 * router, multer) as a 4xx with a reason; anything else as 500 with no detail. Messages never carry server paths.
 */
export function errorAnswer(err: unknown, limits: { maxUploadBytes?: number } = {}): ErrorAnswer {
  if (err instanceof AppError) {
    const answer: ErrorAnswer = { status: err.status, code: err.code, message: redactPaths(err.message) };
    if (err.fields) answer.fields = err.fields.map((f) => ({ field: f.field, message: redactPaths(f.message) }));
    return answer;
  }
  if (err instanceof multer.MulterError) {
    // multer's own words ("File too large") do not tell the caller what the limit is
    const answer: ErrorAnswer = err.code === 'LIMIT_FILE_SIZE' && limits.maxUploadBytes
      ? { status: 413, code: 'limit-file-size', message: `a file is larger than the upload limit of ${limits.maxUploadBytes} bytes (MAX_UPLOAD_BYTES)` }
      : { status: err.code === 'LIMIT_FILE_SIZE' ? 413 : 400, code: err.code.toLowerCase().replace(/_/g, '-'), message: err.message };
    // the part multer refused (a field too long, too many parts), named like parseInput's fields: for a 400 only
    if (err.field && answer.status === 400) answer.fields = [{ field: err.field, message: answer.message }];
    return answer;
  }
  const e = err as { type?: unknown; status?: unknown; statusCode?: unknown; expose?: unknown; message?: unknown };
  switch (e?.type) {
    case 'entity.parse.failed': return { status: 400, code: 'invalid-json', message: 'the body is not valid JSON' };
    case 'entity.too.large': return { status: 413, code: 'too-large', message: 'the body is too large' };
    case 'charset.unsupported':
    case 'encoding.unsupported': return { status: 415, code: 'unsupported-encoding', message: 'send the body as UTF-8, without an unknown content encoding' };
  }
  const status = typeof e?.status === 'number' ? e.status : typeof e?.statusCode === 'number' ? e.statusCode : 500;
  // http-errors marks what a client may read with `expose`; the router's bad percent-encoding is a URIError with 400.
  if (status >= 400 && status < 500 && (e.expose === true || err instanceof URIError)) {
    return { status, code: 'bad-request', message: redactPaths(typeof e.message === 'string' ? e.message : 'bad request') };
  }
  return { status: 500, code: 'internal', message: 'internal error' };
}

export function errorHandler(log: Logger, limits: { maxUploadBytes?: number } = {}) {
  return (err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const answer = errorAnswer(err, limits);
    // an object the archive should hold and does not is lost data: an operator must hear of it, whatever the caller got
    if (answer.status >= 500 || answer.code === 'object-missing') log.error({ err }, 'request failed');
    const { status, ...error } = answer;
    res.status(status).json({ error });
  };
}

/**
 * Runs a multer middleware; a body busboy cannot read (cut short, a part header without a colon, no boundary)
 * is the client's fault: 400 `malformed-multipart`, not 500.
 */
export function multipart(middleware: RequestHandler): RequestHandler {
  return (req, res, next) =>
    middleware(req, res, (err?: unknown) => {
      if (!err || err instanceof multer.MulterError || err instanceof AppError) return next(err);
      next(new AppError('malformed-multipart', `the multipart body could not be read: ${redactPaths(String((err as Error).message ?? err))}`));
    });
}

/**
 * Reads what the object store holds for an answer. An object it no longer has (lost, or removed behind the archive's
 * back) is the caller's 404 `object-missing`, in words, rather than the store's NoSuchKey surfacing as a bare 500.
 */
export async function fromStore<T>(what: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (isObjectMissing(err)) throw new AppError('object-missing', `${what} is missing from the object store`, 404);
    throw err;
  }
}
