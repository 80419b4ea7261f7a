/**
 * People administration, for the HTTP routes and the CLI alike: an admin manages everyone; a unit-admin the people
 * of their unit and the units below it, and grants roles only there, never `admin`. A person of another unit
 * answers 404, as any object of another unit does.
 */
import {
  AppError, actorOf, holds, recordAudit, requirePermission, unitFilter, unitRepository, withTransaction,
  type Caller, type Db, type Queryable, type Role,
} from '@sohoa/shared';
import { generatePassword, hashPassword } from './passwords.ts';
import * as sessions from './sessions.repository.ts';
import { clearLockout } from './sign-in.ts';
import * as users from './users.repository.ts';

export interface PersonView {
  id: string; username: string; displayName: string; unit: string | null;
  roles: { role: Role; unit: string | null }[];
  disabled: boolean; lockedUntil: string | null; passwordChangedAt: string | null; createdAt: string;
}

export const USERNAME_RULE = 'a username is 3 to 64 letters, digits, dots, dashes, underscores or @, starting with a letter or digit';
export const isUsername = (value: string) => /^[\p{L}\p{N}][\p{L}\p{N}._@-]{2,63}$/u.test(value);

function view(u: users.UserRow, held: users.HeldRole[]): PersonView {
  return {
    id: u.id, username: u.username, displayName: u.displayName, unit: u.unitCode,
    roles: held.map((h) => ({ role: h.role, unit: h.unitCode })),
    disabled: u.disabledAt !== null,
    lockedUntil: u.lockedUntil && u.lockedUntil > new Date() ? u.lockedUntil.toISOString() : null,
    passwordChangedAt: u.passwordChangedAt?.toISOString() ?? null,
    createdAt: u.createdAt.toISOString(),
  };
}

async function unitOrNotFound(db: Queryable, code: string) {
  const unit = await unitRepository.unitByCode(db, code);
  if (!unit) throw new AppError('not-found', `unit ${code} not found`, 404);
  return unit;
}

/** A role the caller may grant or take back: never admin unless they are one; only at units they manage people of. */
async function checkGrantable(db: Queryable, by: Caller, role: Role, unitCode: string | null): Promise<string | null> {
  if (role === 'admin') {
    if (!by.admin) throw new AppError('forbidden', 'only an admin grants the admin role', 403);
    if (unitCode) throw new AppError('invalid-input', 'unit: the admin role is held everywhere, without a unit', 422);
    return null;
  }
  if (!unitCode) throw new AppError('invalid-input', `unit: the ${role} role is held at a unit`, 422);
  const unit = await unitOrNotFound(db, unitCode);
  requirePermission(by, 'people:manage', unit.id, `unit ${unitCode} not found`);
  return unit.id;
}

/** The person, if the caller manages people of their unit (admins: everyone); else 404. */
async function manageablePerson(db: Queryable, by: Caller, id: string): Promise<users.UserRow> {
  requirePermission(by, 'people:manage');
  const user = await users.userById(db, id);
  const visible = user && (by.admin || (user.unitId !== null && holds(by, 'people:manage', user.unitId)));
  if (!user || !visible) throw new AppError('not-found', 'person not found', 404);
  return user;
}

export async function personByUsername(db: Queryable, by: Caller, username: string): Promise<users.UserRow> {
  const user = await users.userByUsername(db, username);
  if (!user) throw new AppError('not-found', `no person named ${username}`, 404);
  return manageablePerson(db, by, user.id);
}

export async function personView(db: Queryable, id: string): Promise<PersonView> {
  const user = await users.userById(db, id);
  if (!user) throw new AppError('not-found', 'person not found', 404);
  return view(user, (await users.rolesOf(db, [id])).get(id)!);
}

export async function getPerson(db: Queryable, by: Caller, id: string): Promise<PersonView> {
  return personView(db, (await manageablePerson(db, by, id)).id);
}

/** A new person with a generated password, returned once (the caller shows it to them, then it is gone). */
export async function createPerson(db: Db, by: Caller, p: { username: string; displayName?: string; unitCode: string | null; roles: { role: Role; unitCode?: string | null }[] }): Promise<{ person: PersonView; password: string }> {
  if (!isUsername(p.username)) throw new AppError('invalid-input', `username: ${USERNAME_RULE}`, 422);
  if (!p.roles.length) throw new AppError('invalid-input', 'roles: give at least one role', 422);
  requirePermission(by, 'people:manage');
  const unit = p.unitCode ? await unitOrNotFound(db, p.unitCode) : null;
  if (unit) requirePermission(by, 'people:manage', unit.id, `unit ${p.unitCode} not found`);
  else if (!p.roles.every((r) => r.role === 'admin')) throw new AppError('invalid-input', 'unit: a person belongs to a unit (only an admin may have none)', 422);
  else if (!by.admin) throw new AppError('forbidden', 'only an admin creates a person without a unit', 403);
  const password = generatePassword();
  const hash = await hashPassword(password);
  const id = await withTransaction(db, async (tx) => {
    if (await users.userByUsername(tx, p.username)) throw new AppError('conflict', `the username ${p.username} is taken`, 409);
    const id = await users.createUser(tx, { username: p.username, displayName: p.displayName?.trim() || p.username, unitId: unit?.id ?? null, passwordHash: hash });
    await recordAudit(tx, { actor: actorOf(by), action: 'user.created', subjectType: 'user', subjectId: id, detail: { username: p.username, unit: p.unitCode } });
    for (const r of p.roles) {
      // A role with no unit of its own is held at the person's unit.
      const unitCode = r.role === 'admin' ? null : (r.unitCode ?? p.unitCode);
      const unitId = await checkGrantable(tx, by, r.role, unitCode);
      await users.grantRole(tx, id, r.role, unitId, actorOf(by));
      await recordAudit(tx, { actor: actorOf(by), action: 'user.role-granted', subjectType: 'user', subjectId: id, detail: { role: r.role, unit: unitCode } });
    }
    return id;
  });
  return { person: await personView(db, id), password };
}

/** The people the caller manages (admin: everyone), optionally of one unit. */
export async function listPeople(db: Queryable, by: Caller, unitCode?: string): Promise<PersonView[]> {
  let units = unitFilter(by, 'people:manage');
  if (unitCode) {
    const unit = await unitOrNotFound(db, unitCode);
    requirePermission(by, 'people:manage', unit.id, `unit ${unitCode} not found`);
    units = [unit.id];
  }
  const rows = await users.listUsers(db, units);
  const held = await users.rolesOf(db, rows.map((r) => r.id));
  return rows.map((u) => view(u, held.get(u.id)!));
}

export async function grantRole(db: Db, by: Caller, personId: string, role: Role, unitCode: string | null): Promise<PersonView> {
  await withTransaction(db, async (tx) => {
    const user = await manageablePerson(tx, by, personId);
    const unitId = await checkGrantable(tx, by, role, unitCode);
    if (await users.grantRole(tx, user.id, role, unitId, actorOf(by))) {
      await recordAudit(tx, { actor: actorOf(by), action: 'user.role-granted', subjectType: 'user', subjectId: user.id, detail: { role, unit: unitCode } });
    }
  });
  return personView(db, personId);
}

export async function revokeRole(db: Db, by: Caller, personId: string, role: Role, unitCode: string | null): Promise<PersonView> {
  await withTransaction(db, async (tx) => {
    const user = await manageablePerson(tx, by, personId);
    const unitId = await checkGrantable(tx, by, role, unitCode);
    if (!(await users.revokeRole(tx, user.id, role, unitId))) throw new AppError('not-found', `the person does not hold ${role}${unitCode ? ` at ${unitCode}` : ''}`, 404);
    await recordAudit(tx, { actor: actorOf(by), action: 'user.role-revoked', subjectType: 'user', subjectId: user.id, detail: { role, unit: unitCode } });
  });
  return personView(db, personId);
}

/** Disabled: cannot sign in, and every session of theirs ends now. */
export async function disablePerson(db: Db, by: Caller, personId: string): Promise<PersonView> {
  if (by.kind === 'person' && by.id === personId) throw new AppError('invalid-input', 'you cannot disable yourself', 422);
  await withTransaction(db, async (tx) => {
    const user = await manageablePerson(tx, by, personId);
    if (await users.setDisabled(tx, user.id, true)) {
      const ended = await sessions.deleteSessionsOf(tx, user.id);
      await recordAudit(tx, { actor: actorOf(by), action: 'user.disabled', subjectType: 'user', subjectId: user.id, detail: { sessionsEnded: ended } });
    }
  });
  return personView(db, personId);
}

/** A new generated password (returned once); the lockout is lifted and every session of theirs ends. */
export async function resetPassword(db: Db, by: Caller, personId: string): Promise<{ person: PersonView; password: string }> {
  const password = generatePassword();
  const hash = await hashPassword(password);
  await withTransaction(db, async (tx) => {
    const user = await manageablePerson(tx, by, personId);
    await users.setPasswordHash(tx, user.id, hash);
    await sessions.deleteSessionsOf(tx, user.id);
    await clearLockout(tx, user.username);
    await recordAudit(tx, { actor: actorOf(by), action: 'user.password-reset', subjectType: 'user', subjectId: user.id });
  });
  return { person: await personView(db, personId), password };
}

/**
 * The first start's admin person (username `admin`, a generated password returned once for data/credentials.json),
 * made when nobody holds the admin role yet; null when someone does.
 */
export async function createFirstAdmin(db: Db): Promise<{ username: string; password: string } | null> {
  if (await users.anyAdmin(db)) return null; // every start but the first: no hashing for nothing
  const password = generatePassword();
  const hash = await hashPassword(password);
  return withTransaction(db, async (tx) => {
    await tx.query('LOCK TABLE user_roles IN SHARE ROW EXCLUSIVE MODE'); // two first starts at once make one admin
    if (await users.anyAdmin(tx)) return null;
    let username = 'admin';
    for (let n = 2; await users.userByUsername(tx, username); n++) username = `admin${n}`;
    const id = await users.createUser(tx, { username, displayName: 'Administrator', unitId: null, passwordHash: hash });
    await users.grantRole(tx, id, 'admin', null, 'system');
    await recordAudit(tx, { actor: 'system', action: 'user.created', subjectType: 'user', subjectId: id, detail: { username, roles: ['admin'], firstStart: true } });
    return { username, password };
  });
}
