import type { Queryable } from './db.ts';

export interface AuditEvent {
  actor: string;
  action: string;
  subjectType: 'batch' | 'file' | 'page' | 'document' | 'record' | 'unit' | 'catalog' | 'token' | 'dossier' | 'hold' | 'disposition';
  subjectId: string;
  detail?: object;
}

/** The audit trail archivists rely on: who did what to which subject, kept in the same transaction as the change. */
export async function recordAudit(db: Queryable, e: AuditEvent): Promise<void> {
  await db.query('INSERT INTO audit_events (actor, action, subject_type, subject_id, detail) VALUES ($1, $2, $3, $4, $5)', [
    e.actor, e.action, e.subjectType, e.subjectId, e.detail ?? {},
  ]);
}
