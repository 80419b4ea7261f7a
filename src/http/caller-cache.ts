/**
 * Bearer keys and tokens already checked, believed for a few seconds (AUTH_CACHE_SECONDS). A system polling the API
 * sends the same key on every request; asking the database each time cost one query per read, on a pool the reads
 * themselves wait for (bench/results/load.md). The price is a window: a key revoked or expired elsewhere (the CLI,
 * another process) keeps working until its entry is older than the window. A change to units, people or keys made
 * through this process's API forgets every entry at once (`forgetAll`). Sessions are not kept here: signing out must
 * end one at once.
 *
 * Entries are keyed by the SHA-256 of the secret, never the secret; at most `max` are kept, the least recently used
 * dropped first (lru-cache).
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Caller } from '@sohoa/shared';

export interface CallerCache {
  /** The caller the secret stood for when last checked, if that was less than the window ago. */
  get(secret: string): Caller | null;
  set(secret: string, caller: Caller): void;
  forgetAll(): void;
  readonly size: number;
}

const keyOf = (secret: string) => createHash('sha256').update(secret).digest('base64');

/** `now` (milliseconds) is for tests that move the clock; the window is counted from `set`, not from the last `get`. */
export function callerCache(o: { seconds: number; max?: number; now?: () => number }): CallerCache {
  const ttl = o.seconds * 1000;
  if (ttl <= 0) return { get: () => null, set: () => {}, forgetAll: () => {}, size: 0 };
  // ttlResolution 0: every get reads the clock, so an entry is never believed past its window.
  const entries = new LRUCache<string, Caller>({ max: o.max ?? 1000, ttl, ttlResolution: 0, ...(o.now ? { perf: { now: o.now } } : {}) });
  return {
    get: (secret) => entries.get(keyOf(secret)) ?? null,
    set: (secret, caller) => void entries.set(keyOf(secret), caller),
    forgetAll: () => entries.clear(),
    get size() {
      return entries.size;
    },
  };
}
