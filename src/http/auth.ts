import { createHash, randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { AppError, type Caller, type Queryable } from '@sohoa/shared';

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
      res.locals.caller = { tokenId: rows[0].id, name: rows[0].name, role: rows[0].role } satisfies Caller;
      next();
    } catch (err) {
      next(err);
    }
  };
}
