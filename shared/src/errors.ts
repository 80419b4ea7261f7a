/** An expected failure with a stable code; the API edge turns it into an HTTP status. */
export class AppError extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly status = 400,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/**
 * An error message as the API may show it: absolute paths of this machine (a data folder, a quarantine file)
 * replaced by "<path>". Logs keep the full message; API answers and stored reasons get this one.
 */
export function redactPaths(message: string): string {
  return message.replace(/(^|[\s'"`(=,])(?:[A-Za-z]:)?[\\/][^\s'"`,;)]+/g, '$1<path>');
}
