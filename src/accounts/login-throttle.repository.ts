/**
 * The only writer of `login_throttle`: counted sign-in attempts per key (a name, or an address + name), each in a
 * window that starts at the first attempt, and a block until a time once a limit is passed.
 */
import type { Queryable } from '@sohoa/shared';

export interface AttemptCount { attempts: number; windowStartedAt: Date; blockedUntil: Date | null }

/**
 * Counts one attempt, atomically (parallel requests each get their own number, so none slips past a limit). An
 * attempt while blocked is not counted; a window older than `windowSeconds`, or a block that has ended, starts over.
 */
export async function countAttempt(db: Queryable, keySha256: string, windowSeconds: number): Promise<AttemptCount> {
  const { rows } = await db.query<AttemptCount>(
    `INSERT INTO login_throttle AS t (key_sha256, attempts) VALUES ($1, 1)
     ON CONFLICT (key_sha256) DO UPDATE SET
       attempts = CASE WHEN t.blocked_until > now() THEN t.attempts
                       WHEN t.blocked_until IS NOT NULL OR t.window_started_at < now() - make_interval(secs => $2) THEN 1
                       ELSE t.attempts + 1 END,
       window_started_at = CASE WHEN t.blocked_until > now() THEN t.window_started_at
                                WHEN t.blocked_until IS NOT NULL OR t.window_started_at < now() - make_interval(secs => $2) THEN now()
                                ELSE t.window_started_at END,
       blocked_until = CASE WHEN t.blocked_until > now() THEN t.blocked_until END
     RETURNING attempts, window_started_at AS "windowStartedAt", blocked_until AS "blockedUntil"`,
    [keySha256, windowSeconds],
  );
  return rows[0];
}

/** Blocks the key for `seconds` from now (an earlier, longer block stays); returns until when. */
export async function block(db: Queryable, keySha256: string, seconds: number): Promise<Date> {
  const { rows } = await db.query<{ until: Date }>(
    `UPDATE login_throttle SET blocked_until = greatest(blocked_until, now() + make_interval(secs => $2))
     WHERE key_sha256 = $1 RETURNING blocked_until AS until`,
    [keySha256, seconds],
  );
  return rows[0]?.until ?? new Date(Date.now() + seconds * 1000);
}

export async function clear(db: Queryable, keySha256: string): Promise<void> {
  await db.query('DELETE FROM login_throttle WHERE key_sha256 = $1', [keySha256]);
}

/** Rows of names and addresses not tried for a day and not blocked: nothing to remember. */
export async function forgetOld(db: Queryable): Promise<void> {
  await db.query("DELETE FROM login_throttle WHERE window_started_at < now() - interval '1 day' AND (blocked_until IS NULL OR blocked_until < now())");
}
