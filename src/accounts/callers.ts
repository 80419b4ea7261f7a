/** Turns a person or a system key into the Caller every route asks (shared/src/access.ts). */
import os from 'node:os';
import { grantsOfKey, grantsOfRoles, permissions, unitRepository, type Caller, type Permission, type Queryable } from '@sohoa/shared';
import type { ApiKeyRow } from './api-keys.repository.ts';
import * as users from './users.repository.ts';

/** A person's grants: the roles they hold, subtrees expanded over the current unit tree. */
export async function personCaller(db: Queryable, user: users.UserRow): Promise<Caller> {
  const held = (await users.rolesOf(db, [user.id])).get(user.id) ?? [];
  const units = held.some((h) => h.role !== 'admin') ? await unitRepository.allUnits(db) : [];
  const grants = grantsOfRoles(held, units);
  return { kind: 'person', id: user.id, name: user.username, unitId: user.unitId, admin: held.some((h) => h.role === 'admin'), grants };
}

export async function personCallerById(db: Queryable, id: string): Promise<Caller> {
  const user = await users.userById(db, id);
  if (!user) throw new Error(`no person ${id}`);
  return personCaller(db, user);
}

/** A system's grants: its scopes at exactly its listed units (no subtree: a key names every unit it reads). */
export function keyCaller(key: ApiKeyRow): Caller {
  return { kind: 'key', id: key.id, name: key.name, unitId: key.ownerUnitId, admin: false, grants: grantsOfKey(key.scopes as Permission[], key.unitIds) };
}

/** The operator at the server's shell (`sohoa units|users|keys`): every permission, named by the OS account. */
export function operatorCaller(): Caller {
  let who = 'operator';
  try {
    who = os.userInfo().username;
  } catch {
    // no passwd entry for this uid (a container): keep the generic name
  }
  return { kind: 'token', id: 'cli', name: `cli:${who}`, unitId: null, admin: true, grants: new Map(permissions.map((p) => [p, 'all' as const])) };
}

/** Every unit where the caller holds anything at all ('all' for admin): what the unit list shows it. */
export function unitsReached(caller: Caller): Set<string> | 'all' {
  if (caller.admin) return 'all';
  const out = new Set<string>();
  for (const units of caller.grants.values()) {
    if (units === 'all') return 'all';
    for (const id of units) out.add(id);
  }
  return out;
}
