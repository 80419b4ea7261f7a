/**
 * Reads of the audit trail (the table's one writer is shared/src/audit.ts; its chain columns are set by the
 * database's trigger) and the chain heads kept in the object store.
 */
import type { Db, ObjectStore, Queryable } from '@sohoa/shared';
import type { ChainHead, ChainRow, StoredHead } from './audit-chain.ts';

/**
 * The canonical content of a row, spelled out here rather than calling the database's audit_canonical(), so that
 * someone who replaced that function could not make an edited row hash as before. Built-ins only: every column as
 * jsonb (timestamps in the session's time zone, UTC below), without the hash columns and NULLs, as jsonb text.
 */
const CANONICAL = `(SELECT COALESCE(jsonb_object_agg(key, value), '{}'::jsonb)::text FROM jsonb_each(to_jsonb(a))
  WHERE key NOT IN ('hash', 'prev_hash') AND value <> 'null'::jsonb)`;

const PAGE = 5000;

/**
 * Every chained row in sequence order, page by page, from one snapshot (REPEATABLE READ), and then the rows outside
 * the chain. Rows are committed chained, so a snapshot never holds a row still being linked.
 */
export async function walkChain(db: Db, onRow: (row: ChainRow) => void, onUnchained: (id: string) => void): Promise<void> {
  const client = await db.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query(`SET LOCAL TimeZone = 'UTC'`);
    let after = 0;
    for (;;) {
      const { rows } = await client.query<{ seq: string; id: string; at: Date; prev_hash: string | null; hash: string | null; canonical: string }>(
        `SELECT seq, id, at, prev_hash, hash, ${CANONICAL} AS canonical FROM audit_events a WHERE seq > $1 ORDER BY seq LIMIT ${PAGE}`,
        [after],
      );
      for (const r of rows) {
        onRow({ seq: Number(r.seq), id: r.id, at: r.at.toISOString(), prevHash: r.prev_hash ?? '', hash: r.hash ?? '', canonical: r.canonical });
      }
      if (rows.length < PAGE) break;
      after = Number(rows.at(-1)!.seq);
    }
    // A row the insert trigger marked as waiting to be linked (migration 1765960000000) is not outside the chain.
    const { rows: loose } = await client.query<{ id: string }>(
      `SELECT id FROM audit_events WHERE seq IS NULL AND prev_hash IS DISTINCT FROM 'waiting' ORDER BY id LIMIT 100`,
    );
    for (const r of loose) onUnchained(r.id);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** The end of the chain now (committed rows only). */
export async function chainEnd(db: Queryable): Promise<ChainHead | null> {
  const { rows } = await db.query<{ seq: string; hash: string; at: Date }>('SELECT seq, hash, at FROM audit_events WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1');
  return rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash, at: rows[0].at.toISOString() } : null;
}

/** Heads live under this prefix, which the locked bucket keeps (one object per head, never overwritten). */
export const HEADS_PREFIX = 'audit-heads/';
/** Zero-padded so the names sort as the numbers do. */
export const headKey = (seq: number) => `${HEADS_PREFIX}${String(seq).padStart(20, '0')}.json`;

/** Writes the head unless one for that row is there already; true when written. */
export async function putHead(store: ObjectStore, head: ChainHead): Promise<boolean> {
  const key = headKey(head.seq);
  if (await store.stat(key)) return false;
  const body = { seq: head.seq, hash: head.hash, at: head.at, writtenAt: new Date().toISOString() };
  await store.put(key, Buffer.from(`${JSON.stringify(body, null, 2)}\n`), { contentType: 'application/json' });
  return true;
}

/** The head with the highest sequence number written to the object store, or null when none is there. */
export async function latestHead(store: ObjectStore): Promise<StoredHead | null> {
  const keys = (await store.list(HEADS_PREFIX)).filter((k) => /^audit-heads\/\d{20}\.json$/.test(k)).sort();
  const key = keys.at(-1);
  if (!key) return null;
  const head = JSON.parse((await store.get(key)).toString('utf8')) as Partial<ChainHead>;
  if (typeof head.seq !== 'number' || typeof head.hash !== 'string' || typeof head.at !== 'string') throw new Error(`${key} is not a chain head`);
  return { seq: head.seq, hash: head.hash, at: head.at, key };
}

export interface AuditQuery {
  subject?: string; subjectType?: string; actor?: string; from?: Date; to?: Date;
  /** null: every unit (and rows without one); else only rows of these units. */
  units: string[] | null;
  /** Rows older than this sequence number (the cursor). */
  before?: number;
  limit: number;
}

export type AuditEventRow = Record<string, unknown> & { seq: string };

/** Events newest first, filtered; one more than `limit` is read to know whether a next page exists. */
export async function findEvents(db: Queryable, q: AuditQuery): Promise<AuditEventRow[]> {
  const where = ['seq IS NOT NULL'];
  const values: unknown[] = [];
  const add = (sql: string, value: unknown) => where.push(sql.replace('?', `$${values.push(value)}`));
  if (q.subject) add('subject_id = ?', q.subject);
  if (q.subjectType) add('subject_type = ?', q.subjectType);
  if (q.actor) add('actor = ?', q.actor);
  if (q.from) add('at >= ?', q.from);
  if (q.to) add('at < ?', q.to);
  if (q.units) add('unit_id = ANY(?)', q.units);
  if (q.before) add('seq < ?', q.before);
  const { rows } = await db.query<AuditEventRow>(
    `SELECT * FROM audit_events WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ${q.limit + 1}`,
    values,
  );
  return rows;
}
