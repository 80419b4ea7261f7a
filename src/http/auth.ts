/**
 * Who is calling: one middleware turns a request into the Caller every route asks (shared/src/access.ts).
 *   - `Authorization: Bearer sohoa_key_…`  a system's API key (scopes at its units)
 *   - `Authorization: Bearer sohoa_…`      a bootstrap-era api_tokens row (the first start's admin token, tests)
 *   - the session cookie                  a person signed in on the web UI; a state-changing request must also
 *                                         send the session's CSRF token in X-CSRF-Token (a bearer request needs
 *                                         none: a browser never adds that header by itself)
 * Unknown, expired, revoked or disabled → 401. Only hashes of tokens, keys and session ids are stored.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { AppError, CONTROL_CHARACTERS, grantsOfRoles, type Caller, type Permission, type Queryable } from '@sohoa/shared';
import { apiKeys, personCaller, signIn } from '../accounts/index.ts';
import type { CallerCache } from './caller-cache.ts';

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createApiToken(db: Queryable, name: string, role: 'admin' | 'clerk' | 'archivist' | 'system'): Promise<string> {
  const token = `sohoa_${randomBytes(24).toString('base64url')}`;
  await db.query('INSERT INTO api_tokens (name, role, token_sha256) VALUES ($1, $2, $3)', [name, role, hashToken(token)]);
  return token;
}

/** The cookie's name: with `__Host-` over TLS, so no subdomain or plain-HTTP page can set or shadow it. */
export const SESSION_COOKIE = 'sohoa_session';
export const SECURE_SESSION_COOKIE = '__Host-sohoa_session';
export const CSRF_HEADER = 'x-csrf-token';
export const PURPOSE_HEADER = 'x-purpose';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The value of one cookie of the request's Cookie header (no parser dependency for one name). */
export function readCookie(req: Request, name: string): string | null {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(value) || null;
      } catch {
        return null;
      }
    }
  }
  return null;
}

export const sessionToken = (req: Request): string | null => readCookie(req, SECURE_SESSION_COOKIE) ?? readCookie(req, SESSION_COOKIE);

/** What a request authenticated by its session cookie carries, for the session routes. */
export interface RequestSession { token: string; csrfToken: string; userId: string; expiresAt: Date }

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * X-Purpose: why a system reads (written with each audited read). Short text, no control characters; header values
 * are Latin-1, so Vietnamese is sent percent-encoded (encodeURIComponent) and decoded here.
 */
function purposeOf(req: Request): string | undefined {
  const raw = req.get(PURPOSE_HEADER)?.trim();
  if (!raw) return undefined;
  let value: string;
  try {
    value = decodeURIComponent(raw).trim();
  } catch {
    throw new AppError('invalid-purpose', 'X-Purpose: percent-encode text that is not ASCII (UTF-8, as encodeURIComponent does)', 400);
  }
  if (!value || value.length > 200 || CONTROL_CHARACTERS.test(value)) throw new AppError('invalid-purpose', 'X-Purpose: 1 to 200 characters of text', 400);
  return value;
}

/**
 * Resolves the request's caller into `res.locals.caller` (and `res.locals.session` for a cookie), or answers 401/403.
 * A bearer already checked within the cache's window is believed without a query (caller-cache.ts).
 */
export function authenticate(deps: { db: Queryable; callers?: CallerCache }) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      let caller: Caller;
      const header = req.get('authorization');
      if (header !== undefined) {
        const match = /^Bearer\s+(\S+)$/i.exec(header);
        if (!match) throw new AppError('unauthorized', 'send Authorization: Bearer <API key>, or sign in', 401);
        const bearer = match[1]!;
        const known = deps.callers?.get(bearer);
        // A copy: the purpose below is this request's, the cached caller is shared.
        if (known) caller = { ...known };
        else {
          caller = await bearerCaller(deps.db, bearer);
          deps.callers?.set(bearer, { ...caller });
        }
      } else {
        const token = sessionToken(req);
        if (!token) throw new AppError('unauthorized', 'sign in (POST /api/v1/session) or send a bearer API key', 401);
        const found = await signIn.sessionOf(deps.db, token);
        if (!found) throw new AppError('unauthorized', 'the session has ended: sign in again', 401);
        if (!SAFE_METHODS.has(req.method) && !sameSecret(req.get(CSRF_HEADER) ?? '', found.session.csrfToken)) {
          throw new AppError('csrf', `a signed-in request that changes something must send the session's CSRF token in the ${CSRF_HEADER} header`, 403);
        }
        caller = await personCaller(deps.db, found.user);
        res.locals.session = { token, csrfToken: found.session.csrfToken, userId: found.user.id, expiresAt: found.session.expiresAt } satisfies RequestSession;
      }
      caller.purpose = purposeOf(req);
      res.locals.caller = caller;
      next();
    } catch (err) {
      next(err);
    }
  };
}

async function bearerCaller(db: Queryable, bearer: string): Promise<Caller> {
  if (bearer.startsWith(apiKeys.KEY_PREFIX)) {
    // A legacy token is `sohoa_` + random base64url, which may itself begin `key_`: an unknown key is tried there too.
    const key = await apiKeys.callerOfKey(db, bearer).catch((err: unknown) => err as AppError);
    if (!(key instanceof Error)) return key;
    const legacy = await legacyToken(db, bearer);
    if (legacy) return legacy;
    throw key;
  }
  const legacy = await legacyToken(db, bearer);
  if (!legacy) throw new AppError('unauthorized', 'the token is not valid', 401);
  return legacy;
}

async function legacyToken(db: Queryable, token: string): Promise<Caller | null> {
  const { rows } = await db.query<{ id: string; name: string; role: string }>(
    'SELECT id, name, role FROM api_tokens WHERE token_sha256 = $1 AND revoked_at IS NULL',
    [hashToken(token)],
  );
  return rows[0] ? legacyTokenCaller(rows[0]) : null;
}

/**
 * Transitional: a bootstrap-era token's role held at every unit (these tokens predate units in the access
 * layer). admin holds everything; a system token reads records and dossiers.
 */
function legacyTokenCaller(row: { id: string; name: string; role: string }): Caller {
  const base = { kind: 'token' as const, id: row.id, name: row.name, unitId: null };
  if (row.role === 'admin') return { ...base, admin: true, grants: grantsOfRoles([{ role: 'admin', unitId: null }], []) };
  const role = row.role === 'system' ? null : (row.role as 'clerk' | 'archivist');
  const held = role ? grantsOfRoles([{ role, unitId: '*' }], []) : new Map<Permission, Set<string>>([['records:read', new Set()], ['dossiers:read', new Set()]]);
  return { ...base, admin: false, grants: new Map([...held.keys()].map((p) => [p, 'all' as const])) };
}
