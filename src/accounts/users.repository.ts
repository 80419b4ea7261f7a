/** The only writer of `users` and `user_roles`: people, their passwords, lock state and the roles they hold. */
import type { Queryable, Role } from '@sohoa/shared';

export interface UserRow {
  id: string; username: string; displayName: string; unitId: string | null; unitCode: string | null;
  passwordHash: string | null; passwordChangedAt: Date | null; disabledAt: Date | null;
  failedLogins: number; lockedUntil: Date | null; createdAt: Date;
}
export interface HeldRole { role: Role; unitId: string | null; unitCode: string | null }

const USER_COLUMNS = `u.id, u.username, u.display_name AS "displayName", u.unit_id AS "unitId", un.code AS "unitCode",
  u.password_hash AS "passwordHash", u.password_changed_at AS "passwordChangedAt", u.disabled_at AS "disabledAt",
  u.failed_logins AS "failedLogins", u.locked_until AS "lockedUntil", u.created_at AS "createdAt"`;
const FROM_USERS = 'FROM users u LEFT JOIN units un ON un.id = u.unit_id';

export async function createUser(db: Queryable, u: { username: string; displayName: string; unitId: string | null; passwordHash: string | null; oidcSubject?: string }): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO users (username, display_name, unit_id, password_hash, password_changed_at, oidc_subject)
     VALUES ($1, $2, $3, $4, CASE WHEN $4::text IS NULL THEN NULL ELSE now() END, $5) RETURNING id`,
    [u.username, u.displayName, u.unitId, u.passwordHash, u.oidcSubject ?? null],
  );
  return rows[0].id;
}

/** Usernames are unique regardless of case (the index is on lower(username)). */
export async function userByUsername(db: Queryable, username: string): Promise<UserRow | null> {
  const { rows } = await db.query<UserRow>(`SELECT ${USER_COLUMNS} ${FROM_USERS} WHERE lower(u.username) = lower($1)`, [username]);
  return rows[0] ?? null;
}

export async function userById(db: Queryable, id: string): Promise<UserRow | null> {
  const { rows } = await db.query<UserRow>(`SELECT ${USER_COLUMNS} ${FROM_USERS} WHERE u.id = $1`, [id]);
  return rows[0] ?? null;
}

/** A central sign-on identity ("issuer subject") linked to a person. */
export async function userByOidcSubject(db: Queryable, subject: string): Promise<UserRow | null> {
  const { rows } = await db.query<UserRow>(`SELECT ${USER_COLUMNS} ${FROM_USERS} WHERE u.oidc_subject = $1`, [subject]);
  return rows[0] ?? null;
}

/** People of the given units (null: everyone, the unit-less admins too), by username. */
export async function listUsers(db: Queryable, unitIds: string[] | null): Promise<UserRow[]> {
  const { rows } = await db.query<UserRow>(
    `SELECT ${USER_COLUMNS} ${FROM_USERS} WHERE $1::uuid[] IS NULL OR u.unit_id = ANY($1) ORDER BY lower(u.username)`,
    [unitIds],
  );
  return rows;
}

export async function rolesOf(db: Queryable, userIds: string[]): Promise<Map<string, HeldRole[]>> {
  const { rows } = await db.query<HeldRole & { userId: string }>(
    `SELECT r.user_id AS "userId", r.role, r.unit_id AS "unitId", un.code AS "unitCode"
     FROM user_roles r LEFT JOIN units un ON un.id = r.unit_id WHERE r.user_id = ANY($1) ORDER BY r.role, un.code`,
    [userIds],
  );
  const out = new Map<string, HeldRole[]>(userIds.map((id) => [id, []]));
  for (const { userId, ...held } of rows) out.get(userId)!.push(held);
  return out;
}

/** True when the role was new. */
export async function grantRole(db: Queryable, userId: string, role: Role, unitId: string | null, grantedBy: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO user_roles (user_id, role, unit_id, granted_by) VALUES ($1, $2, $3, $4)
     ON CONFLICT (user_id, role, coalesce(unit_id, '00000000-0000-0000-0000-000000000000')) DO NOTHING`,
    [userId, role, unitId, grantedBy],
  );
  return (rowCount ?? 0) > 0;
}

/** True when the person held it. */
export async function revokeRole(db: Queryable, userId: string, role: Role, unitId: string | null): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM user_roles WHERE user_id = $1 AND role = $2 AND unit_id IS NOT DISTINCT FROM $3', [userId, role, unitId]);
  return (rowCount ?? 0) > 0;
}

/** A new password also lifts a lockout: an admin's reset is how a locked-out person gets back in. */
export async function setPasswordHash(db: Queryable, id: string, passwordHash: string): Promise<void> {
  await db.query('UPDATE users SET password_hash = $2, password_changed_at = now(), failed_logins = 0, locked_until = NULL WHERE id = $1', [id, passwordHash]);
}

export async function setDisabled(db: Queryable, id: string, disabled: boolean): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE users SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) ELSE NULL END WHERE id = $1 AND (disabled_at IS NULL) = $2`,
    [id, disabled],
  );
  return (rowCount ?? 0) > 0;
}

/** Mirrors the sign-in throttle's count on the person's row, for the people list ("locked until"). */
export async function setLockState(db: Queryable, id: string, failedLogins: number, lockedUntil: Date | null): Promise<void> {
  await db.query('UPDATE users SET failed_logins = $2, locked_until = $3 WHERE id = $1', [id, failedLogins, lockedUntil]);
}

/** Whether any person holds the admin role (the first start creates one when none does). */
export async function anyAdmin(db: Queryable): Promise<boolean> {
  const { rowCount } = await db.query("SELECT 1 FROM user_roles WHERE role = 'admin' LIMIT 1");
  return (rowCount ?? 0) > 0;
}
