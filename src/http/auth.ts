import { createHash, randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { AppError, grantsOfRoles, type Caller, type Permission, type Queryable } from '@sohoa/shared';

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createApiToken(db: Queryable, name: string, role: 'admin' | 'clerk' | 'archivist' | 'system'): Promise<string> {
  const token = `sohoa_${randomBytes(24).toString('base64url')}`;
  await db.query('INSERT INTO api_tokens (name, role, token_sha256) VALUES ($1, $2, $3)', [name, role, hashToken(token)]);
  return token;
}


/** Bearer tokens; only their SHA-256 is stored, so a database dump does not hand out access. */
export function requireToken(db: Queryable) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const header = req.get('authorization') ?? '';
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) throw new AppError('unauthorized', 'a bearer token is required', 401);
      const { rows } = await db.query<{ id: string; name: string; role: string }>(
        'SELECT id, name, role FROM api_tokens WHERE token_sha256 = $1 AND revoked_at IS NULL',
        [hashToken(match[1])],
      );
      if (!rows[0]) throw new AppError('unauthorized', 'the token is not valid', 401);
      res.locals.caller = legacyTokenCaller(rows[0]);
      next();
    } catch (err) {
      next(err);
    }
  };
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
