import { describe, expect, it } from 'vitest';
import { grantsOfKey, grantsOfRoles, requirePermission, subtreeOf, unitFilter, type Caller } from './access.ts';

// province P → district D → wards W1, W2; another district E → ward X
const units = [
  { id: 'P', parentId: null }, { id: 'D', parentId: 'P' }, { id: 'W1', parentId: 'D' }, { id: 'W2', parentId: 'D' },
  { id: 'E', parentId: 'P' }, { id: 'X', parentId: 'E' },
];
const person = (held: Parameters<typeof grantsOfRoles>[0]): Caller => ({ kind: 'person', id: '1', name: 'a', unitId: held[0]?.unitId ?? null, admin: false, grants: grantsOfRoles(held, units) });

describe('access', () => {
  it('expands a subtree and survives a cycle', () => {
    expect([...subtreeOf(units, 'D')].sort()).toEqual(['D', 'W1', 'W2']);
    expect([...subtreeOf([{ id: 'A', parentId: 'B' }, { id: 'B', parentId: 'A' }], 'A')].sort()).toEqual(['A', 'B']);
  });

  it('a district archivist reaches its wards; a ward clerk only the ward', () => {
    expect(unitFilter(person([{ role: 'archivist', unitId: 'D' }]), 'records:read')!.sort()).toEqual(['D', 'W1', 'W2']);
    const clerk = person([{ role: 'clerk', unitId: 'W1' }]);
    expect(unitFilter(clerk, 'records:read')).toEqual(['W1']);
    expect(() => requirePermission(clerk, 'records:read', 'W2')).toThrow(expect.objectContaining({ status: 404 }));
    expect(() => requirePermission(clerk, 'holds:place')).toThrow(expect.objectContaining({ status: 403 }));
  });

  it('an auditor reads the trail and nothing else; admin holds everything everywhere', () => {
    const auditor = person([{ role: 'auditor', unitId: 'P' }]);
    expect(() => unitFilter(auditor, 'records:read')).toThrow(expect.objectContaining({ status: 403 }));
    expect(unitFilter(auditor, 'audit:read')).toHaveLength(6);
    const admin = { ...person([{ role: 'admin', unitId: null }]), admin: true };
    expect(unitFilter(admin, 'catalog:import')).toBeNull();
  });

  it('a key holds its scopes at exactly its units', () => {
    const key: Caller = { kind: 'key', id: 'k', name: 'k', unitId: 'D', admin: false, grants: grantsOfKey(['records:read'], ['W1', 'X']) };
    expect(unitFilter(key, 'records:read')!.sort()).toEqual(['W1', 'X']);
    expect(() => requirePermission(key, 'records:read', 'D')).toThrow(expect.objectContaining({ status: 404 }));
    expect(() => unitFilter(key, 'batches:write')).toThrow(expect.objectContaining({ status: 403 }));
  });
});
