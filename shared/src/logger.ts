import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs to stderr; secrets are redacted by path so a stray object never leaks them. */
export function createLogger(level: string, name = 'sohoa'): Logger {
  return pino(
    {
      name,
      level,
      redact: { paths: ['token', '*.token', 'password', '*.password', 'authorization', '*.authorization', 'headers.authorization'], censor: '[redacted]' },
    },
    pino.destination(2),
  );
}
