/**
 * Bearer keys and tokens already checked, believed for a few seconds (AUTH_CACHE_SECONDS). A system polling the API
 * sends the same key on every request; asking the database each time cost one query per read, on a pool the reads
 * themselves wait for (bench/results/load.md). The price is a window: a key revoked or expired elsewhere (the CLI,
 * another process) keeps working until its entry is older than the window. A revocation through this process's API
 * forgets every entry at once (`forgetAll`). Sessions are not kept here: signing out must end one at once.
 *
 * Entries are keyed by the SHA-256 of the secret, never the secret; at most `max` are kept, the oldest dropped first.
 */
import { createHash } from 'node:crypto';
import type { Caller } from '@sohoa/shared';

export interface CallerCache {
  /** The caller the secret stood for when last checked, if that was less than the window ago. */
  get(secret: string, now?: number): Caller | null;
  set(secret: string, caller: Caller, now?: number): void;
  forgetAll(): void;
  readonly size: number;
}

const keyOf = (secret: string) => createHash('sha256').update(secret).digest('base64');

export function callerCache(o: { seconds: number; max?: number }): CallerCache {
  const ttlMs = o.seconds * 1000;
  const max = o.max ?? 1000;
  const entries = new Map<string, { caller: Caller; until: number }>();
  return {
    get(secret, now = Date.now()) {
      if (ttlMs <= 0) return null;
      const key = keyOf(secret);
      const entry = entries.get(key);
      if (!entry) return null;
      if (entry.until <= now) {
        entries.delete(key);
        return null;
      }
      return entry.caller;
    },
    set(secret, caller, now = Date.now()) {
      if (ttlMs <= 0) return;
      const key = keyOf(secret);
      entries.delete(key); // re-inserted last: the Map's order is the age order eviction follows
      entries.set(key, { caller, until: now + ttlMs });
      while (entries.size > max) entries.delete(entries.keys().next().value!);
    },
    forgetAll: () => entries.clear(),
    get size() {
      return entries.size;
    },
  };
}
