/**
 * The reuse API's rate limit: so many requests per API key (or person) per window, counted in PostgreSQL by
 * rate-limiter-flexible's store, so that every API process behind a balancer counts against the same budget.
 * The table (reuse_rate_limits, migration 1765810000000) is written only from here: the limiter's upserts, and the
 * sweep of windows long ended, which runs now and then on a request instead of on a timer.
 */
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError, type Db } from '@sohoa/shared';

export interface RateLimitSettings { points: number; windowSeconds: number }

/** Refused for now: 429 with the seconds to wait (the route sends them as Retry-After). */
export class RateLimited extends AppError {
  constructor(public readonly retryAfterSeconds: number, limit: RateLimitSettings) {
    super('rate-limited', `at most ${limit.points} reuse requests per ${limit.windowSeconds} s for one key: try again in ${retryAfterSeconds} s`, 429);
  }
}

export interface RateLimiter {
  /** Counts one request of `who`; throws RateLimited when its window's budget is spent. */
  consume(who: string): Promise<void>;
}

const TABLE = 'reuse_rate_limits';
const SWEEP_EVERY = 200;

export function reuseRateLimiter(db: Db, settings: RateLimitSettings): RateLimiter {
  // Made on the first request: building the app (and walking its routes) touches no database.
  let limiter: RateLimiterPostgres | undefined;
  const limiterOf = () => (limiter ??= new RateLimiterPostgres({
    storeClient: db, storeType: 'pool', tableName: TABLE, tableCreated: true, keyPrefix: 'reuse',
    points: settings.points, duration: settings.windowSeconds,
    // The sweep below replaces the library's hourly timer (a timer would outlive the app in tests).
    clearExpiredByTimeout: false,
  } as ConstructorParameters<typeof RateLimiterPostgres>[0]));
  let requests = 0;
  return {
    async consume(who) {
      if (++requests % SWEEP_EVERY === 0) {
        void db.query('DELETE FROM reuse_rate_limits WHERE expire < $1', [Date.now() - 3600_000]).catch(() => {});
      }
      try {
        await limiterOf().consume(who);
      } catch (err) {
        if (err instanceof RateLimiterRes) throw new RateLimited(Math.max(1, Math.ceil(err.msBeforeNext / 1000)), settings);
        throw err;
      }
    },
  };
}
