import { AppError } from './errors.ts';
import type { Caller } from './access.ts';

/**
 * Transitional: the role check of the bootstrap-era api_tokens (admin|clerk|archivist|system). Routes move to
 * `requirePermission` / `unitFilter` (access.ts); this goes when the last one has.
 */
export function requireRole(caller: Caller, ...roles: string[]): void {
  if (!caller.admin && !roles.includes(caller.legacyRole ?? '')) {
    throw new AppError('forbidden', `this needs the ${['admin', ...roles].filter((r, i, all) => all.indexOf(r) === i).join(' or ')} role`, 403);
  }
}

export const isUuid = (value: unknown): value is string =>
  typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
