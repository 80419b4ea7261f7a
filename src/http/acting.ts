/**
 * The caller of a request as the services see it: who acts (for the audit trail), why (a system's X-Purpose) and
 * in which units, for one permission. Every route asks here before it reads or writes anything.
 */
import type { Request, Response } from 'express';
import { actorOf, AppError, recordAudit, unitFilter, type Acting, type AuditEvent, type Caller, type Permission, type Queryable } from '@sohoa/shared';

export const callerOf = (res: Response): Caller => res.locals.caller as Caller;

const MAX_PURPOSE = 200;

/**
 * Why the caller reads: what sign-in resolved (caller.purpose), else the X-Purpose header (percent-encoded UTF-8
 * where it is not ASCII: a header carries bytes, and purposes are written in Vietnamese), without control
 * characters and cut to 200 characters (it is kept in the trail, not interpreted).
 */
export function purposeOf(req: Request, caller: Caller): string | null {
  const given = caller.purpose ?? decodePercent(req.get('x-purpose'));
  const clean = given?.replace(/\p{Cc}/gu, ' ').trim().slice(0, MAX_PURPOSE);
  return clean ? clean : null;
}

/** The reuse routes' purpose: the one check that a reader says why (428 `purpose-required` without it). */
export function requiredPurposeOf(req: Request, caller: Caller): string {
  const purpose = purposeOf(req, caller);
  if (!purpose) throw new AppError('purpose-required', 'reuse needs a purpose: send the procedure the result is reused for in the X-Purpose header (percent-encoded UTF-8)', 428);
  return purpose;
}

function decodePercent(value: string | undefined): string | undefined {
  try {
    return value === undefined ? undefined : decodeURIComponent(value);
  } catch {
    return value; // a lone % is text, not an encoding
  }
}

/** The caller acting with one permission: 403 when it holds it nowhere, else the units it holds it at. */
export function actingFor(req: Request, res: Response, permission: Permission): Acting {
  const caller = callerOf(res);
  return { actor: actorOf(caller), purpose: purposeOf(req, caller), units: unitFilter(caller, permission) };
}

/** A read of a record's content or of personal data: in the trail before the answer leaves. */
export async function auditRead(db: Queryable, by: Acting, e: Omit<AuditEvent, 'actor' | 'purpose'>): Promise<void> {
  await recordAudit(db, { ...e, actor: by.actor, purpose: by.purpose });
}
