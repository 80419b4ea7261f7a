/**
 * The tamper-evident audit trail: verification of the hash chain against the last head written to the object
 * store, the heads themselves (a pg-boss cron job and on demand), and the trail read by an auditor.
 */
import { linkWaitingAudit, type Db, type JobHandler, type ObjectStore } from '@sohoa/shared';
import { ChainWalker, type ChainHead, type ChainReport } from './audit-chain.ts';
import * as repo from './audit.repository.ts';

export interface AuditTrailDeps { db: Db; store: ObjectStore }
/** Verification without an object store (a CLI given only DATABASE_URL) checks the rows, not a cut-off tail. */
export interface VerifyDeps { db: Db; store: ObjectStore | null }

/**
 * Checks every row of the chain and the chain's end against the last head written to the object store. The head
 * is read before the database snapshot is taken, so it can only be older than what the snapshot holds: a head
 * ahead of the snapshot means rows were cut off, never that the head was written meanwhile.
 */
export async function verifyAuditTrail(deps: VerifyDeps): Promise<ChainReport> {
  await linkWaitingAudit(deps.db); // rows committed a moment ago are checked too
  const walker = new ChainWalker(deps.store ? await repo.latestHead(deps.store) : null);
  await repo.walkChain(deps.db, (row) => walker.add(row), (id) => walker.addUnchained(id));
  return walker.finish();
}

/** Writes the chain's end to the object store (once per row: a head already there is kept as it is). */
export async function writeAuditHead(deps: AuditTrailDeps): Promise<{ head: ChainHead | null; written: boolean; key: string | null }> {
  await linkWaitingAudit(deps.db);
  const head = await repo.chainEnd(deps.db);
  if (!head) return { head: null, written: false, key: null };
  return { head, written: await repo.putHead(deps.store, head), key: repo.headKey(head.seq) };
}

/** How often the head is written (pg-boss cron, UTC): a cut-off tail younger than this goes unseen until then. */
export const AUDIT_HEAD_CRON = '*/10 * * * *';

/** audit.head: the cron job that writes the chain's end. Nothing to write (no new row) is a skip. */
export function auditHeadJob(deps: AuditTrailDeps): JobHandler<'audit.head'> {
  return {
    async run() {
      const { head, written } = await writeAuditHead(deps);
      return written ? { status: 'done' } : { status: 'skipped', reason: head ? `head of row ${head.seq} already written` : 'no audit row yet' };
    },
    async giveUp() {
      // The next run writes a newer head; verification reports against the last one there.
    },
  };
}

export interface AuditListOptions extends Omit<repo.AuditQuery, 'before' | 'limit'> {
  cursor?: string;
  limit?: number;
}

export interface AuditPage { items: Record<string, unknown>[]; next: string | null }

/** Events newest first with an opaque cursor; column names in camelCase, whatever columns the table has. */
export async function listAuditEvents(db: Db, o: AuditListOptions): Promise<AuditPage> {
  const limit = Math.min(Math.max(o.limit ?? 50, 1), 500);
  const before = o.cursor ? decodeCursor(o.cursor) : undefined;
  if (!before) await linkWaitingAudit(db); // the first page shows what was just done
  const rows = await repo.findEvents(db, { ...o, before, limit });
  const page = rows.slice(0, limit);
  const items = page.map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => k !== 'prev_hash').map(([k, v]) => [camel(k), k === 'seq' ? Number(v) : v])));
  return { items, next: rows.length > limit ? encodeCursor(Number(page.at(-1)!.seq)) : null };
}

const camel = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const encodeCursor = (seq: number) => Buffer.from(`seq:${seq}`).toString('base64url');

export class BadCursor extends Error {}
function decodeCursor(cursor: string): number {
  const m = /^seq:(\d{1,18})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new BadCursor('not a cursor of this list');
  return Number(m[1]);
}
