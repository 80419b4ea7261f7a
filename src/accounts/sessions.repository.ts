/** The only writer of `sessions`: web sign-in sessions, stored by the SHA-256 of the cookie's value. */
import type { Queryable } from '@sohoa/shared';

export interface SessionRow {
  idSha256: string; userId: string; csrfToken: string; via: 'password' | 'oidc';
  createdAt: Date; expiresAt: Date; lastSeenAt: Date;
}

export async function createSession(db: Queryable, s: { idSha256: string; userId: string; csrfToken: string; via: 'password' | 'oidc'; expiresAt: Date }): Promise<void> {
  // Expired sessions of anyone go at each sign-in: the table stays the size of the people signed in.
  await db.query('DELETE FROM sessions WHERE expires_at < now()');
  await db.query('INSERT INTO sessions (id_sha256, user_id, csrf_token, via, expires_at) VALUES ($1, $2, $3, $4, $5)', [
    s.idSha256, s.userId, s.csrfToken, s.via, s.expiresAt,
  ]);
}

/** The session, unless it has expired or been idle longer than `idleSeconds`. */
export async function liveSession(db: Queryable, idSha256: string, idleSeconds: number): Promise<SessionRow | null> {
  const { rows } = await db.query<SessionRow>(
    `SELECT id_sha256 AS "idSha256", user_id AS "userId", csrf_token AS "csrfToken", via, created_at AS "createdAt",
            expires_at AS "expiresAt", last_seen_at AS "lastSeenAt"
     FROM sessions WHERE id_sha256 = $1 AND expires_at > now() AND last_seen_at > now() - make_interval(secs => $2)`,
    [idSha256, idleSeconds],
  );
  return rows[0] ?? null;
}

/** At most one write a minute per session, however many requests it makes. */
export async function touchSession(db: Queryable, idSha256: string): Promise<void> {
  await db.query("UPDATE sessions SET last_seen_at = now() WHERE id_sha256 = $1 AND last_seen_at < now() - interval '1 minute'", [idSha256]);
}

export async function deleteSession(db: Queryable, idSha256: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE id_sha256 = $1', [idSha256]);
}

/** Signs the person out everywhere (disabled, password reset), or everywhere else (own password change). */
export async function deleteSessionsOf(db: Queryable, userId: string, except: string | null = null): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM sessions WHERE user_id = $1 AND id_sha256 IS DISTINCT FROM $2', [userId, except]);
  return rowCount ?? 0;
}
