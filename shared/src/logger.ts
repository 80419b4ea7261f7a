import { pino, type DestinationStream, type Logger } from 'pino';
import { currentRequestId } from './request-context.ts';

export type { Logger };

/**
 * Fields that never reach a log line, wherever a stray object carries them (one level deep too, and under `req`,
 * `headers` and `err`): credentials, session cookies and CSRF tokens, S3 and OIDC secrets, and owners' identifiers.
 */
const SECRET_FIELDS = [
  'token', 'password', 'newPassword', 'secret', 'clientSecret', 'secretKey', 'accessKey', 'apiKey', 'key_secret',
  'authorization', 'cookie', 'set-cookie', 'csrf', 'csrfToken', 'x-csrf-token', 'sessionId',
  'owner', 'ownerIdentifier', 'owner_identifier', 'identifier', 'applicantIdentifier', 'ma_dinh_danh',
];
export const REDACTED_PATHS = [
  ...SECRET_FIELDS.map((f) => `["${f}"]`),
  ...SECRET_FIELDS.map((f) => `*["${f}"]`),
  ...['headers', 'req.headers', 'res.headers', 'request.headers', 'err.config.headers'].flatMap((at) => SECRET_FIELDS.map((f) => `${at}["${f}"]`)),
];

/**
 * A 12-digit personal identification number anywhere in a line (a message, an error's text, a URL), not part of a
 * longer number, a UUID or a decimal: the last net under the redacted fields.
 */
const PERSONAL_NUMBER = /(?<![\w.-])\d{12}(?!\w|\.\d)/g;
export const scrubPersonalNumbers = (line: string) => line.replace(PERSONAL_NUMBER, '[redacted-id]');

/**
 * JSON logs to stderr (or `destination`, e.g. a test reading every line). Secrets are redacted by path so a stray
 * object never leaks them, and personal identification numbers are blanked in the written line. A line logged while
 * a request or a job it caused runs carries that request's `requestId` (shared/src/request-context.ts).
 */
export function createLogger(level: string, name = 'sohoa', destination: DestinationStream = pino.destination(2)): Logger {
  return pino(
    {
      name,
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
      hooks: { streamWrite: scrubPersonalNumbers },
    },
    destination,
  );
}
