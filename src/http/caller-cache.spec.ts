import { describe, expect, it } from 'vitest';
import type { Caller } from '@sohoa/shared';
import { callerCache } from './caller-cache.ts';

const caller = (name: string): Caller => ({ kind: 'key', id: name, name, unitId: null, admin: false, grants: new Map() });

/** A clock the test moves by hand. */
function clock(start = 1_000) {
  const c = { t: start, now: () => c.t };
  return c;
}

describe('caller cache', () => {
  it('believes a checked bearer for the window, then asks again', () => {
    const time = clock(1_000);
    const cache = callerCache({ seconds: 5, now: time.now });
    cache.set('sohoa_key_a', caller('a'));
    time.t = 6_000;
    expect(cache.get('sohoa_key_a')?.name).toBe('a');
    time.t = 6_001;
    expect(cache.get('sohoa_key_a')).toBeNull(); // a revocation elsewhere is seen from here on
    expect(cache.size).toBe(0);
    expect(cache.get('sohoa_key_b')).toBeNull();
  });

  it('keeps at most max entries, dropping the least recently used first', () => {
    const time = clock();
    const cache = callerCache({ seconds: 60, max: 3, now: time.now });
    for (const name of ['a', 'b', 'c', 'd', 'e']) cache.set(name, caller(name));
    expect(cache.size).toBe(3);
    time.t += 1;
    expect(['a', 'b', 'c', 'd', 'e'].map((n) => cache.get(n)?.name ?? null)).toEqual([null, null, 'c', 'd', 'e']);
    time.t += 1;
    cache.set('c', caller('c')); // refreshed: now the youngest
    cache.set('f', caller('f'));
    time.t += 1;
    expect(['c', 'd', 'e', 'f'].map((n) => cache.get(n)?.name ?? null)).toEqual(['c', null, 'e', 'f']);
  });

  it('counts the window from the check, not from the last use', () => {
    const time = clock();
    const cache = callerCache({ seconds: 5, now: time.now });
    cache.set('a', caller('a'));
    for (time.t = 2_000; time.t <= 6_000; time.t += 1_000) expect(cache.get('a')?.name).toBe('a');
    time.t = 6_001;
    expect(cache.get('a')).toBeNull();
  });

  it('forgets everything at once (a change through this process), and keeps nothing with a window of 0', () => {
    const cache = callerCache({ seconds: 5 });
    cache.set('a', caller('a'));
    expect(cache.get('a')?.name).toBe('a');
    cache.forgetAll();
    expect(cache.get('a')).toBeNull();
    const off = callerCache({ seconds: 0 });
    off.set('a', caller('a'));
    expect([off.get('a'), off.size]).toEqual([null, 0]);
  });
});
