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

/** The audit trail archivists rely on: who did what to which subject, kept in the same transaction as the change. */
export async function recordAudit(db: Queryable, e: AuditEvent): Promise<void> {
  await db.query('INSERT INTO audit_events (actor, action, subject_type, subject_id, unit_id, purpose, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
    e.actor, e.action, e.subjectType, e.subjectId, e.unitId ?? null, e.purpose ?? null, e.detail ?? {},
  ]);
}

/**
 * Links the audit rows that committed while another commit held the chain (migration 1765960000000): every server
 * process calls it every second, and verification, the head job and the trail's listing call it first. Returns
 * how many it linked.
 */
export async function linkWaitingAudit(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT audit_chain_link_pending() AS n');
  return rows[0]?.n ?? 0;
}
