import { AppError } from './errors.ts';

/** Who called the API: the bearer token's name and role (api_tokens). */
export interface Caller { tokenId: string; name: string; role: string }

/** How a caller is named in the audit trail and on the records it made. */
export const actorOf = (caller: Caller): string => `token:${caller.name}`;

/** Admin may do anything; other roles only what is listed. */
export function requireRole(caller: Caller, ...roles: string[]): void {
  if (caller.role !== 'admin' && !roles.includes(caller.role)) {
    throw new AppError('forbidden', `this needs the ${['admin', ...roles].filter((r, i, all) => all.indexOf(r) === i).join(' or ')} role`, 403);
  }
}

export const isUuid = (value: unknown): value is string =>
  typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
