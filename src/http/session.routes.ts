/**
 * Web sign-in:
 *   POST   /session           {username, password} → the session cookie (HttpOnly, SameSite=Strict, Secure over TLS)
 *                             and {person, roles, units, permissions, csrfToken}; 401 wrong, 429 + Retry-After when
 *                             rate-limited or locked (alike for unknown names)
 *   GET    /session           who is calling (any caller; a person's answer carries the CSRF token again)
 *   DELETE /session           sign out (the cookie's session ends)
 *   PUT    /session/password  {currentPassword, newPassword}: a person changes their own password
 * Mounted before the authentication of the rest of /api/v1: POST /session is open to anyone (as the OpenID Connect
 * routes of oidc.routes.ts are).
 */
import express, { type Request, type Response } from 'express';
import { AppError, parseInput, permissions, type Caller, type Db } from '@sohoa/shared';
import { people, personCallerById, signIn, units, type StartedSession } from '../accounts/index.ts';
import { PasswordChange, SignIn } from './accounts.contract.ts';
import { authenticate, SECURE_SESSION_COOKIE, SESSION_COOKIE, type RequestSession } from './auth.ts';

/**
 * Sets the session cookie; `req.secure` is true over TLS, and behind a TLS proxy when TRUST_PROXY lets express
 * believe its X-Forwarded-Proto. The OpenID Connect callback sets its session the same way.
 */
export function setSessionCookie(req: Request, res: Response, session: StartedSession): void {
  const secure = req.secure;
  res.cookie(secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE, session.token, { httpOnly: true, sameSite: 'strict', secure, path: '/', expires: session.expiresAt });
}

function clearSessionCookie(req: Request, res: Response): void {
  const secure = req.secure;
  res.clearCookie(secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure, path: '/' });
}

/** What the UI needs about its caller: who, where, what it may do. */
async function whoAmI(db: Db, caller: Caller, session: { csrfToken: string; expiresAt: Date } | null) {
  const held = permissions.filter((p) => caller.grants.has(p));
  const base = { kind: caller.kind, name: caller.name, admin: caller.admin, permissions: held, units: await units.unitsVisibleTo(db, caller), purpose: caller.purpose ?? null };
  if (caller.kind !== 'person') return base;
  const person = await people.personView(db, caller.id);
  return {
    ...base,
    person: { id: person.id, username: person.username, displayName: person.displayName, unit: person.unit, passwordChangedAt: person.passwordChangedAt },
    roles: person.roles,
    ...(session ? { csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() } : {}),
  };
}

export function sessionRoutes(deps: { db: Db }): express.Router {
  const r = express.Router();
  const json = express.json({ limit: '16kb' });
  const auth = authenticate(deps);

  r.post('/session', json, async (req, res) => {
    const { username, password } = parseInput(SignIn, { ...req.body });
    let session: StartedSession;
    try {
      session = await signIn.signInWithPassword(deps.db, { username, password, address: req.ip ?? 'unknown' });
    } catch (err) {
      if (err instanceof signIn.TooManyAttempts) res.set('Retry-After', String(err.retryAfterSeconds));
      throw err;
    }
    setSessionCookie(req, res, session);
    res.status(201).json(await whoAmI(deps.db, await personCallerById(deps.db, session.userId), session));
  });

  r.get('/session', auth, async (_req, res) => {
    const session = (res.locals.session as RequestSession | undefined) ?? null;
    res.json(await whoAmI(deps.db, res.locals.caller as Caller, session));
  });

  r.delete('/session', auth, async (req, res) => {
    const session = res.locals.session as RequestSession | undefined;
    if (!session) throw new AppError('no-session', 'only a signed-in session signs out; a bearer key is revoked instead', 400);
    const caller = res.locals.caller as Caller;
    await signIn.endSession(deps.db, session.token, caller.name, caller.id);
    clearSessionCookie(req, res);
    res.status(204).end();
  });

  r.put('/session/password', json, auth, async (req, res) => {
    const caller = res.locals.caller as Caller;
    if (caller.kind !== 'person') throw new AppError('forbidden', 'only a person has a password', 403);
    const body = parseInput(PasswordChange, { ...req.body });
    const session = res.locals.session as RequestSession | undefined;
    await signIn.changeOwnPassword(deps.db, { userId: caller.id, currentToken: session?.token ?? null, currentPassword: body.currentPassword, newPassword: body.newPassword });
    res.status(204).end();
  });
  return r;
}
