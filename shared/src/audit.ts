import type { Queryable } from './db.ts';

export interface AuditEvent {
  actor: string;
  action: string;
  subjectType: 'batch' | 'file' | 'page' | 'document' | 'dossier' | 'record' | 'unit' | 'catalog' | 'token' | 'certificate' | 'archival-file' | 'fonds' | 'export' | 'user' | 'key' | 'hold' | 'disposition' | 'search' | 'owner' | 'webhook';
  subjectId: string;
  /** The unit the subject belongs to: a unit's trail is what its people may be shown. Null for global acts. */
  unitId?: string | null;
  /** Why a system read or wrote (its X-Purpose), kept beside the act. */
  purpose?: string | null;
  detail?: object;
}

/**
 * How many audit rows this process has written or committed so far. Only a commit with an audit row can leave one
 * waiting to be linked, so a sweep that has seen this count already has nothing of this process's to link.
 */
let auditCommits = 0;
/** Connections whose open transaction holds an audit row: its commit (withTransaction) counts as one more. */
const inTransaction = new WeakSet<object>();

/** The audit trail archivists rely on: who did what to which subject, kept in the same transaction as the change. */
export async function recordAudit(db: Queryable, e: AuditEvent): Promise<void> {
  await db.query('INSERT INTO audit_events (actor, action, subject_type, subject_id, unit_id, purpose, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
    e.actor, e.action, e.subjectType, e.subjectId, e.unitId ?? null, e.purpose ?? null, e.detail ?? {},
  ]);
  auditCommits++; // outside a transaction the row is committed now
  inTransaction.add(db);
}

/** Called by withTransaction once a transaction has ended: a commit that carried an audit row may have left it waiting. */
export function auditTransactionEnded(client: object, committed: boolean): void {
  if (inTransaction.delete(client) && committed) auditCommits++;
}

/**
 * Links the audit rows that committed while another commit held the chain (migration 1765960000000): a server
 * process's sweep (startAuditSweep) after its own audited commits, and verification, the head job and the trail's
 * listing first. Returns how many it linked.
 */
export async function linkWaitingAudit(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT audit_chain_link_pending() AS n');
  return rows[0]?.n ?? 0;
}

/**
 * Every `everyMs` (1 s), links the rows waiting, but only after this process committed an audit row since it last
 * looked: an idle process asks the database nothing. A row a process left waiting is linked by that process's next
 * sweep, by the next commit anywhere that gets the chain, or, if the process died first, by verification, the head
 * job and the trail's listing, which link first. Returns the stop.
 */
export function startAuditSweep(db: Queryable, o: { everyMs?: number; onError?: (err: unknown) => void } = {}): () => void {
  let seen = auditCommits;
  let sweeping = false;
  const timer = setInterval(() => {
    if (sweeping || seen === auditCommits) return;
    sweeping = true;
    const upTo = auditCommits;
    linkWaitingAudit(db)
      .then(() => (seen = upTo))
      .catch((err: unknown) => o.onError?.(err)) // seen unchanged: the next tick tries again
      .finally(() => (sweeping = false));
  }, o.everyMs ?? 1000);
  timer.unref();
  return () => clearInterval(timer);
}
