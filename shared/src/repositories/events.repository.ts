/**
 * The only writer of `events`: the transactional outbox other systems hear from (webhooks, issue 11). Whoever
 * changes something worth telling calls `appendEvent` in the transaction of the change (archive-api's archiving,
 * disposition and fixity, matching's split); the webhooks relay takes the undispatched rows and marks them
 * dispatched in the transaction that makes their deliveries. No queue is needed to write an event, so every path
 * that makes the change (jobs, tests, the CLI) makes its event too.
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db.ts';

export const eventTypes = ['record.archived', 'dossier.completed', 'dossier.needs-review', 'record.disposed', 'fixity.failed'] as const;
export type EventType = (typeof eventTypes)[number];

export interface NewEvent {
  type: EventType;
  unitId: string;
  /** The dossier the event belongs to (its order stream); found from the record when only that is given. */
  dossierId?: string | null;
  recordId?: string | null;
  /** The payload's `data` besides unit, dossier and record (which are added): codes and ids, no personal data. */
  data?: Record<string, unknown>;
}

export interface StoredEvent {
  id: string; webhookId: string; type: EventType; unitId: string; dossierId: string | null; dossierCode: string | null;
  recordId: string | null; data: Record<string, unknown>; occurredAt: Date;
}

/**
 * Writes one event in the caller's transaction. The dossier's events are serialized (a transaction-scoped lock
 * taken before the row's id is drawn): within a dossier the ids follow the commit order, which the deliveries
 * keep, and a check made after `lockDossierEvents` (e.g. "is the dossier complete now?") sees every earlier commit.
 */
export async function appendEvent(tx: Queryable, e: NewEvent): Promise<StoredEvent> {
  let dossierId = e.dossierId ?? null;
  if (!dossierId && e.recordId) {
    const { rows } = await tx.query<{ dossier_id: string | null }>('SELECT dossier_id FROM records WHERE id = $1', [e.recordId]);
    dossierId = rows[0]?.dossier_id ?? null;
  }
  if (dossierId) await lockDossierEvents(tx, dossierId);
  const { rows } = await tx.query<StoredEvent>(
    `INSERT INTO events (webhook_id, type, unit_id, dossier_id, dossier_code, record_id, data)
     SELECT $1, $2, u.id, d.id, d.code, $5::uuid,
            $6::jsonb || jsonb_build_object('unit', u.code, 'dossier', d.code, 'record', $5::uuid)
     FROM units u LEFT JOIN dossiers d ON d.id = $4::uuid WHERE u.id = $3
     RETURNING id::text, webhook_id AS "webhookId", type, unit_id AS "unitId", dossier_id AS "dossierId", dossier_code AS "dossierCode",
               record_id AS "recordId", data, occurred_at AS "occurredAt"`,
    [`msg_${randomUUID().replaceAll('-', '')}`, e.type, e.unitId, dossierId, e.recordId ?? null, JSON.stringify(e.data ?? {})],
  );
  if (!rows[0]) throw new Error(`event ${e.type}: no unit ${e.unitId}`);
  return rows[0];
}

/** Holds the dossier's event lock until the transaction ends (appendEvent takes it too; taking it twice is harmless). */
export async function lockDossierEvents(tx: Queryable, dossierId: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('events:' || $1::text, 0))`, [dossierId]);
}

/** Whether the dossier already had an event of this type (dossier.completed is told once). */
export async function hasDossierEvent(db: Queryable, dossierId: string, type: EventType): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM events WHERE dossier_id = $1 AND type = $2 LIMIT 1', [dossierId, type]);
  return rows.length > 0;
}

/**
 * The oldest events not yet dispatched, locked for the caller's transaction; rows another relay holds are
 * skipped, and an event whose transaction has not committed is not seen until it has.
 */
export async function claimUndispatched(tx: Queryable, limit: number): Promise<StoredEvent[]> {
  const { rows } = await tx.query<StoredEvent>(
    `SELECT id::text, webhook_id AS "webhookId", type, unit_id AS "unitId", dossier_id AS "dossierId", dossier_code AS "dossierCode",
            record_id AS "recordId", data, occurred_at AS "occurredAt"
     FROM events WHERE dispatched_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
    [limit],
  );
  return rows;
}

export async function markDispatched(tx: Queryable, ids: readonly string[]): Promise<void> {
  if (ids.length) await tx.query('UPDATE events SET dispatched_at = now() WHERE id = ANY($1::bigint[])', [ids]);
}
