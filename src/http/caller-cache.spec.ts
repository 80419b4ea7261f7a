import { describe, expect, it } from 'vitest';
import type { Caller } from '@sohoa/shared';
import { callerCache } from './caller-cache.ts';

const caller = (name: string): Caller => ({ kind: 'key', id: name, name, unitId: null, admin: false, grants: new Map() });

describe('caller cache', () => {
  it('believes a checked bearer for the window, then asks again', () => {
    const cache = callerCache({ seconds: 5 });
    cache.set('sohoa_key_a', caller('a'), 1_000);
    expect(cache.get('sohoa_key_a', 5_999)?.name).toBe('a');
    expect(cache.get('sohoa_key_a', 6_000)).toBeNull(); // a revocation elsewhere is seen from here on
    expect(cache.size).toBe(0);
    expect(cache.get('sohoa_key_b', 1_000)).toBeNull();
  });

  it('keeps at most max entries, dropping the oldest first', () => {
    const cache = callerCache({ seconds: 60, max: 3 });
    for (const name of ['a', 'b', 'c', 'd', 'e']) cache.set(name, caller(name), 0);
    expect(cache.size).toBe(3);
    expect(['a', 'b', 'c', 'd', 'e'].map((n) => cache.get(n, 1)?.name ?? null)).toEqual([null, null, 'c', 'd', 'e']);
    cache.set('c', caller('c'), 2); // refreshed: now the youngest
    cache.set('f', caller('f'), 2);
    expect(['c', 'd', 'e', 'f'].map((n) => cache.get(n, 3)?.name ?? null)).toEqual(['c', null, 'e', 'f']);
  });

  it('forgets everything at once (a revocation through this process), and keeps nothing with a window of 0', () => {
    const cache = callerCache({ seconds: 5 });
    cache.set('a', caller('a'), 0);
    cache.forgetAll();
    expect(cache.get('a', 1)).toBeNull();
    const off = callerCache({ seconds: 0 });
    off.set('a', caller('a'), 0);
    expect([off.get('a', 0), off.size]).toEqual([null, 0]);
  });
});
