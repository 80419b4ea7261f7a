/**
 * Web sign-in: a password checked against its Argon2id hash behind a rate limit and a lockout, then a session
 * stored in PostgreSQL. `startSession` is the seam a central sign-on (OpenID Connect) uses once it has verified an
 * identity: `signInVerifiedIdentity` provisions the person and their roles from the identity, then starts one.
 */
import { createHash, randomBytes } from 'node:crypto';
import { AppError, recordAudit, roles as allRoles, unitRepository, withTransaction, type Db, type Queryable, type Role } from '@sohoa/shared';
import * as throttle from './login-throttle.repository.ts';
import { checkPasswordPolicy, decoyHash, hashPassword, MAX_PASSWORD_LENGTH, verifyPassword } from './passwords.ts';
import * as sessions from './sessions.repository.ts';
import * as users from './users.repository.ts';

/** A session ends 12 hours after sign-in, or after 2 hours without a request. */
export const SESSION_HOURS = 12;
export const SESSION_IDLE_SECONDS = 2 * 3600;
/** At most this many attempts per address + name per minute, whatever their outcome. */
export const RATE_LIMIT = { attempts: 10, windowSeconds: 60 };
/** This many failed sign-ins in a row (within the window) lock the name for the lock's length. */
export const LOCKOUT = { failures: 5, windowSeconds: 15 * 60, lockSeconds: 15 * 60 };

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Refused for now: 429 with the time to wait (the route sends it as Retry-After). */
export class TooManyAttempts extends AppError {
  constructor(public readonly until: Date) {
    super('too-many-attempts', 'too many sign-in attempts: try again later', 429);
  }
  get retryAfterSeconds(): number {
    return Math.max(1, Math.ceil((this.until.getTime() - Date.now()) / 1000));
  }
}

export interface StartedSession {
  /** The cookie's value: shown to the browser only, stored as its SHA-256. */
  token: string;
  csrfToken: string;
  expiresAt: Date;
  userId: string;
}

const normalizeUsername = (username: string) => username.trim().normalize('NFC').toLowerCase();

/**
 * Starts a session for a person whose identity is already established (a password checked here, or an OpenID
 * Connect identity verified by its client), and writes the sign-in to the audit trail.
 */
export async function startSession(db: Queryable, o: { userId: string; username: string; via: 'password' | 'oidc'; address?: string }): Promise<StartedSession> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + SESSION_HOURS * 3600_000);
  await sessions.createSession(db, { idSha256: sha256(token), userId: o.userId, csrfToken, via: o.via, expiresAt });
  await recordAudit(db, { actor: `user:${o.username}`, action: 'user.signed-in', subjectType: 'user', subjectId: o.userId, detail: { via: o.via, address: o.address ?? null } });
  return { token, csrfToken, expiresAt, userId: o.userId };
}

/**
 * Username and password → a session. The attempt is counted before the password is checked, so parallel guesses
 * cannot pass the limits; an unknown name is counted, locked and timed like a known one (a decoy hash is checked),
 * so no answer tells whether a person exists.
 */
export async function signInWithPassword(db: Db, o: { username: string; password: string; address: string }): Promise<StartedSession> {
  const name = normalizeUsername(o.username);
  const rateKey = sha256(`address+name\n${o.address}\n${name}`);
  const lockKey = sha256(`name\n${name}`);

  const rate = await throttle.countAttempt(db, rateKey, RATE_LIMIT.windowSeconds);
  if (rate.blockedUntil && rate.blockedUntil > new Date()) throw new TooManyAttempts(rate.blockedUntil);
  if (rate.attempts > RATE_LIMIT.attempts) {
    throw new TooManyAttempts(await throttle.block(db, rateKey, Math.max(1, (rate.windowStartedAt.getTime() + RATE_LIMIT.windowSeconds * 1000 - Date.now()) / 1000)));
  }
  const lock = await throttle.countAttempt(db, lockKey, LOCKOUT.windowSeconds);
  if (lock.blockedUntil && lock.blockedUntil > new Date()) throw new TooManyAttempts(lock.blockedUntil);
  if (lock.attempts > LOCKOUT.failures) throw new TooManyAttempts(await throttle.block(db, lockKey, LOCKOUT.lockSeconds));

  const user = name ? await users.userByUsername(db, name) : null;
  const tooLong = [...o.password].length > MAX_PASSWORD_LENGTH;
  const matches = !tooLong && (await verifyPassword(user?.passwordHash ?? (await decoyHash()), o.password));
  if (!user || !matches) {
    // This failure is already counted; the one that reaches the limit locks the name from now on.
    const lockedUntil = lock.attempts >= LOCKOUT.failures ? await throttle.block(db, lockKey, LOCKOUT.lockSeconds) : null;
    if (user) {
      await users.setLockState(db, user.id, lock.attempts, lockedUntil);
      await recordAudit(db, { actor: `user:${user.username}`, action: 'user.sign-in-failed', subjectType: 'user', subjectId: user.id, detail: { address: o.address, failures: lock.attempts, lockedUntil } });
    }
    throw new AppError('wrong-credentials', 'wrong username or password', 401);
  }
  if (user.disabledAt) throw new AppError('account-disabled', 'this account is disabled', 403);
  await throttle.clear(db, lockKey);
  await throttle.forgetOld(db); // names tried once (typos, scans for names) do not pile up
  if (user.failedLogins || user.lockedUntil) await users.setLockState(db, user.id, 0, null);
  return withTransaction(db, (tx) => startSession(tx, { userId: user.id, username: user.username, via: 'password', address: o.address }));
}

/** Lifts a name's lockout (an admin's password reset): the person can sign in at once with the new password. */
export const clearLockout = (db: Queryable, username: string) => throttle.clear(db, sha256(`name\n${normalizeUsername(username)}`));

/** The live session of a cookie's value and its person, or null (expired, idle, signed out, person disabled). */
export async function sessionOf(db: Queryable, token: string): Promise<{ session: sessions.SessionRow; user: users.UserRow } | null> {
  const session = await sessions.liveSession(db, sha256(token), SESSION_IDLE_SECONDS);
  if (!session) return null;
  const user = await users.userById(db, session.userId);
  if (!user || user.disabledAt) return null;
  await sessions.touchSession(db, session.idSha256);
  return { session, user };
}

export async function endSession(db: Queryable, token: string, username: string, userId: string): Promise<void> {
  await sessions.deleteSession(db, sha256(token));
  await recordAudit(db, { actor: `user:${username}`, action: 'user.signed-out', subjectType: 'user', subjectId: userId });
}

/** A person changes their own password: the current one first; their other sessions end. */
export async function changeOwnPassword(db: Db, o: { userId: string; currentToken: string | null; currentPassword: string; newPassword: string }): Promise<void> {
  const user = await users.userById(db, o.userId);
  if (!user) throw new AppError('not-found', 'no such person', 404);
  if (!user.passwordHash || !(await verifyPassword(user.passwordHash, o.currentPassword))) throw new AppError('wrong-credentials', 'the current password is wrong', 403);
  checkPasswordPolicy(o.newPassword, { username: user.username, displayName: user.displayName });
  if (await verifyPassword(user.passwordHash, o.newPassword)) throw new AppError('weak-password', 'the new password must differ from the current one', 422);
  const hash = await hashPassword(o.newPassword);
  await withTransaction(db, async (tx) => {
    await users.setPasswordHash(tx, user.id, hash);
    await sessions.deleteSessionsOf(tx, user.id, o.currentToken ? sha256(o.currentToken) : null);
    await recordAudit(tx, { actor: `user:${user.username}`, action: 'user.password-changed', subjectType: 'user', subjectId: user.id });
  });
}

/** What a central sign-on vouches for, after its client has verified the ID token (issuer, audience, signature, nonce). */
export interface VerifiedIdentity {
  /** Issuer URL + ' ' + the `sub` claim: stable across renames. */
  subject: string;
  /** The preferred username, e.g. the `preferred_username` or `email` claim. */
  username: string;
  displayName: string;
  /** The unit the claim maps to (its agency code), and the roles held there; `admin` needs no unit. */
  unitCode: string | null;
  roles: Role[];
}

/**
 * OpenID Connect seam: the person linked to the identity (created on first sign-in, or an existing person of the
 * same username linked to it) holds exactly the roles the claims carry, at the unit they name, and gets a session. The HTTP side then sets the cookie as for a password sign-in (session.routes.ts
 * `setSessionCookie`).
 */
export async function signInVerifiedIdentity(db: Db, identity: VerifiedIdentity, address?: string): Promise<StartedSession> {
  const unknownRole = identity.roles.find((r) => !(allRoles as readonly string[]).includes(r));
  if (unknownRole) throw new AppError('unknown-role', `the sign-on names a role sohoa does not know: ${unknownRole}`, 403);
  return withTransaction(db, async (tx) => {
    const unit = identity.unitCode ? await unitRepository.unitByCode(tx, identity.unitCode) : null;
    if (identity.unitCode && !unit) throw new AppError('unknown-unit', `the sign-on names a unit sohoa does not know: ${identity.unitCode}`, 403);
    if (identity.roles.some((r) => r !== 'admin') && !unit) throw new AppError('unknown-unit', 'the sign-on names roles but no unit', 403);
    const actor = `oidc:${identity.subject}`;
    let user = await users.userByOidcSubject(tx, identity.subject);
    if (!user) {
      // Never take over a person by name: a provider account called "admin" must not become the local admin.
      if (await users.userByUsername(tx, identity.username)) {
        throw new AppError('username-taken', `a person named ${identity.username} already exists in sohoa and is not linked to this sign-on`, 403);
      }
      const id = await users.createUser(tx, { username: identity.username, displayName: identity.displayName, unitId: unit?.id ?? null, passwordHash: null, oidcSubject: identity.subject });
      await recordAudit(tx, { actor, action: 'user.created', subjectType: 'user', subjectId: id, detail: { username: identity.username, via: 'oidc' } });
      user = (await users.userById(tx, id))!;
    }
    if (user.disabledAt) throw new AppError('account-disabled', 'this account is disabled', 403);
    const held = (await users.rolesOf(tx, [user.id])).get(user.id) ?? [];
    // The claims are authoritative: the person holds exactly the roles they carry, at the unit they name.
    for (const h of held) {
      const kept = identity.roles.includes(h.role) && (h.role === 'admin' || h.unitId === unit?.id);
      if (!kept && (await users.revokeRole(tx, user.id, h.role, h.unitId))) {
        await recordAudit(tx, { actor, action: 'user.role-revoked', subjectType: 'user', subjectId: user.id, detail: { role: h.role, unit: h.unitCode } });
      }
    }
    for (const role of identity.roles) {
      if (await users.grantRole(tx, user.id, role, role === 'admin' ? null : unit!.id, actor)) {
        await recordAudit(tx, { actor, action: 'user.role-granted', subjectType: 'user', subjectId: user.id, detail: { role, unit: role === 'admin' ? null : identity.unitCode } });
      }
    }
    return startSession(tx, { userId: user.id, username: user.username, via: 'oidc', address });
  });
}
