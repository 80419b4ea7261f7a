import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { runner } from 'node-pg-migrate';
import { auditTransactionEnded } from './audit.ts';

export type Db = pg.Pool;
export type Queryable = pg.Pool | pg.PoolClient;

const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'migrations');

export function createDb(databaseUrl: string, max = 10): Db {
  const pool = new pg.Pool({ connectionString: databaseUrl, max });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  return pool;
}

export async function migrate(databaseUrl: string, log: (msg: string) => void = () => {}): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
    dir: migrationsDir,
    direction: 'up',
    migrationsTable: 'migrations',
    log,
    singleTransaction: true,
  });
  return applied.map((m) => m.name);
}

/** What runs once the transaction of withTransaction that holds the client has committed. */
const onCommit = new WeakMap<object, (() => void)[]>();

/**
 * Runs `fn` once `db`'s transaction has committed (nothing if it rolls back), or at once when `db` is not a client
 * inside withTransaction: what others may only see after the commit (a job's row) is announced then.
 */
export function afterCommit(db: Queryable, fn: () => void): void {
  const waiting = onCommit.get(db);
  if (waiting) waiting.push(fn);
  else fn();
}

/** Runs `work` in one transaction on one connection; `begin` may ask for another isolation level or READ ONLY. */
export async function withTransaction<T>(db: Db, work: (client: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  const client = await db.connect();
  let committed = false;
  const committedHooks: (() => void)[] = [];
  onCommit.set(client, committedHooks);
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    committed = true;
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    onCommit.delete(client);
    auditTransactionEnded(client, committed); // an audit row it committed may wait to be linked (audit.ts)
    client.release();
    if (committed) for (const hook of committedHooks) hook();
  }
}

/** Socket errors and PostgreSQL's "connection gone" SQLSTATEs (class 08; 57P01-03: the server shut down). */
const CONNECTION_LOSS = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);

/**
 * Whether an error only says the database connection was lost (PostgreSQL restarting, a network blip), which the
 * queue recovers from by itself: the job it concerned stays active and is retried by its expiry or the heartbeat sweep.
 */
export function isConnectionLoss(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (typeof e?.code === 'string' && CONNECTION_LOSS.has(e.code)) return true;
  return typeof e?.message === 'string' && /Connection terminated|connect ECONNRE(SET|FUSED)/.test(e.message);
}
