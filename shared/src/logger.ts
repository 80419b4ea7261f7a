import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs to stderr (or `destination`, e.g. a test reading every line); secrets are redacted by path so a
 * stray object never leaks them.
 */
export function createLogger(level: string, name = 'sohoa', destination: DestinationStream = pino.destination(2)): Logger {
  return pino(
    {
      name,
      level,
      redact: { paths: ['token', '*.token', 'password', '*.password', 'authorization', '*.authorization', 'headers.authorization'], censor: '[redacted]' },
    },
    destination,
  );
}
