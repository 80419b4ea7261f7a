/** One field of a request that was refused, and why (a form field, a query parameter, `pages.2` in a JSON body). */
export interface FieldProblem { field: string; message: string }

/**
 * An expected failure with a stable code; the API edge turns it into an HTTP status. `fields` lists the refused
 * fields of a 400/422, so a form can show each reason beside its field.
 */
export class AppError extends Error {
  public readonly fields?: FieldProblem[];
  constructor(
    public readonly code: string,
    message: string,
    public readonly status = 400,
    details: { fields?: FieldProblem[] } = {},
  ) {
    super(message);
    this.name = 'AppError';
    if (details.fields?.length) this.fields = details.fields;
  }
}

/**
 * An error message as the API may show it: absolute paths of this machine (a data folder, a quarantine file)
 * replaced by "<path>". Logs keep the full message; API answers and stored reasons get this one.
 */
export function redactPaths(message: string): string {
  return message.replace(/(^|[\s'"`(=,])(?:[A-Za-z]:)?[\\/][^\s'"`,;)]+/g, '$1<path>');
}
