/**
 * Who may do what, and where: the vocabulary of the access layer. Pure data and pure functions; the HTTP layer
 * resolves a request (session, API key) into a Caller, and every route asks the Caller for a permission and
 * the units it holds there.
 *
 * - A person holds roles at units. Each role grants permissions, each either at the unit only or at the unit and
 *   every unit below it (an archivist of a district reaches its wards; a ward clerk only the ward).
 * - A system's API key holds scopes (a subset of the permissions) at an explicit list of units.
 * - `admin` holds every permission at every unit.
 */
import { AppError } from './errors.ts';

export const roles = ['clerk', 'archivist', 'archive-lead', 'unit-admin', 'auditor', 'admin'] as const;
export type Role = (typeof roles)[number];

export const permissions = [
  'batches:read', 'batches:write', // receive and scan, see today's work and the quarantine
  'dossiers:read', 'review:write', // the review list and the clerk's corrections
  'records:read', 'records:describe', // search and read records; edit their archival description
  'holds:place', 'holds:lift',
  'disposition:propose', 'disposition:approve',
  'exports:write',
  'audit:read',
  'people:manage', 'keys:manage', 'certificates:manage',
  'units:manage', 'catalog:import', // global: admin only
  'reuse:read', 'reports:read', 'webhooks:manage', // for other systems and inspectors
  'targets:set', // a unit's digitization-rate target: set from above, never by the unit it scores
] as const;
export type Permission = (typeof permissions)[number];

/**
 * Where a role's permission reaches: the unit the role is held at, that unit and all below it, or only the units
 * below it (a unit's digitization target is set by the level above, not by the unit it scores).
 */
export type Reach = 'unit' | 'subtree' | 'below';

export const roleGrants: Record<Exclude<Role, 'admin'>, Partial<Record<Permission, Reach>>> = {
  clerk: { 'batches:read': 'unit', 'batches:write': 'unit', 'dossiers:read': 'unit', 'review:write': 'unit', 'records:read': 'unit' },
  archivist: {
    'batches:read': 'subtree', 'dossiers:read': 'subtree', 'records:read': 'subtree', 'records:describe': 'subtree',
    'holds:place': 'subtree', 'disposition:propose': 'subtree', 'exports:write': 'subtree', 'reports:read': 'subtree',
  },
  'archive-lead': {
    'batches:read': 'subtree', 'dossiers:read': 'subtree', 'records:read': 'subtree', 'records:describe': 'subtree',
    'holds:place': 'subtree', 'holds:lift': 'subtree', 'disposition:approve': 'subtree', 'exports:write': 'subtree', 'reports:read': 'subtree',
  },
  'unit-admin': {
    'people:manage': 'subtree', 'keys:manage': 'subtree', 'certificates:manage': 'subtree', 'reports:read': 'subtree', 'webhooks:manage': 'subtree',
    'targets:set': 'below',
  },
  auditor: { 'audit:read': 'subtree', 'reports:read': 'subtree' },
};

/** What a system's API key may be given. A reuse read needs a purpose (X-Purpose, src/http/acting.ts `requiredPurposeOf`). */
export const keyScopes = ['batches:read', 'batches:write', 'dossiers:read', 'records:read', 'reuse:read', 'reports:read'] as const satisfies readonly Permission[];
export type KeyScope = (typeof keyScopes)[number];

/**
 * The resolved caller of one request. `grants` maps each permission to the unit ids where it holds (subtrees
 * already expanded) or 'all' (admin). A permission absent from the map is not held anywhere.
 */
export interface Caller {
  kind: 'person' | 'key' | 'token';
  id: string;
  /** Username, key name or token name: how the caller is named in the audit trail. */
  name: string;
  /** The unit the person belongs to or that owns the key; null for the bootstrap admin token. */
  unitId: string | null;
  admin: boolean;
  grants: Map<Permission, Set<string> | 'all'>;
  /** What a system says it reads for (X-Purpose header), written with each audited read. */
  purpose?: string;
}

/** How a caller is named in the audit trail and on the records it made. */
export const actorOf = (caller: Caller): string => `${caller.kind === 'person' ? 'user' : caller.kind}:${caller.name}`;

/**
 * The units where the caller holds the permission ('all' for admin). Throws 403 when it holds it nowhere: the
 * caller may know the route exists, but not use it.
 */
export function unitsWhere(caller: Caller, permission: Permission): Set<string> | 'all' {
  const units = caller.grants.get(permission);
  if (!units || (units !== 'all' && units.size === 0)) {
    throw new AppError('forbidden', `this needs the ${permission} permission`, 403);
  }
  return units;
}

/** As a SQL filter: null = every unit, otherwise the list of unit ids to pass as `= ANY($n)`. */
export function unitFilter(caller: Caller, permission: Permission): string[] | null {
  const units = unitsWhere(caller, permission);
  return units === 'all' ? null : [...units];
}

/**
 * Checks the permission at the unit an object belongs to. Another unit's object answers 404 `notFound`, so its
 * existence does not leak; a permission held nowhere answers 403.
 */
export function requirePermission(caller: Caller, permission: Permission, unitId?: string | null, notFound = 'not found'): void {
  const units = unitsWhere(caller, permission);
  if (unitId === undefined || units === 'all') return;
  if (unitId === null || !units.has(unitId)) throw new AppError('not-found', notFound, 404);
}

/** Where a service may act for its caller: unit ids, or null for every unit (what `unitFilter` answers). */
export type UnitScope = readonly string[] | null;

/**
 * Who a service acts for: how the audit trail names them, why (a system's X-Purpose) and where they may act.
 * Services filter by `units` in SQL, so another unit's object is as missing as one that does not exist.
 */
export interface Acting { actor: string; purpose?: string | null; units: UnitScope }

/** True when the unit is within the scope (null: every unit). */
export const inScope = (scope: UnitScope, unitId: string | null | undefined): boolean => scope === null || (!!unitId && scope.includes(unitId));

/** As a SQL parameter for `($n::uuid[] IS NULL OR x.unit_id = ANY($n))`. */
export const scopeParam = (scope: UnitScope): string[] | null => (scope === null ? null : [...scope]);

/** True when the caller holds the permission at that unit (for lists that mix units). */
export const holds = (caller: Caller, permission: Permission, unitId: string): boolean => {
  const units = caller.grants.get(permission);
  return units === 'all' || (units?.has(unitId) ?? false);
};

/** A unit with its parent: enough to expand subtrees. */
export interface UnitNode { id: string; parentId: string | null }

/** The unit and every unit below it. */
export function subtreeOf(units: readonly UnitNode[], rootId: string): Set<string> {
  const children = new Map<string, string[]>();
  for (const u of units) if (u.parentId) children.set(u.parentId, [...(children.get(u.parentId) ?? []), u.id]);
  const out = new Set<string>();
  const stack = [rootId];
  while (stack.length) {
    const id = stack.pop()!;
    if (out.has(id)) continue; // a cycle in bad data must not loop forever
    out.add(id);
    stack.push(...(children.get(id) ?? []));
  }
  return out;
}

/** A person's grants from the roles they hold at units. */
export function grantsOfRoles(held: readonly { role: Role; unitId: string | null }[], units: readonly UnitNode[]): Map<Permission, Set<string> | 'all'> {
  const grants = new Map<Permission, Set<string> | 'all'>();
  if (held.some((h) => h.role === 'admin')) {
    for (const p of permissions) grants.set(p, 'all');
    return grants;
  }
  for (const { role, unitId } of held) {
    if (role === 'admin' || !unitId) continue;
    for (const [permission, reach] of Object.entries(roleGrants[role]) as [Permission, Reach][]) {
      const reached = reach === 'unit' ? new Set([unitId]) : subtreeOf(units, unitId);
      if (reach === 'below') reached.delete(unitId);
      const current = grants.get(permission);
      if (current === 'all') continue;
      grants.set(permission, new Set([...(current ?? []), ...reached]));
    }
  }
  return grants;
}

/** A system key's grants: its scopes at exactly its listed units. */
export function grantsOfKey(scopes: readonly Permission[], unitIds: readonly string[]): Map<Permission, Set<string> | 'all'> {
  return new Map(scopes.map((s) => [s, new Set(unitIds)]));
}
