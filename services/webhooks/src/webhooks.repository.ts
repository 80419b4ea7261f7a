/**
 * The only writer of `webhook_subscriptions` and `webhook_deliveries` (test/table-writers.spec.ts). Reads join the
 * outbox (`events`, shared's) and `api_keys` freely.
 */
import type { Queryable } from '@sohoa/shared';

/** The scopes that let a key read a unit's dossiers or records: an event reaches a key holding one at its unit. */
export const READING_SCOPES = ['records:read', 'dossiers:read', 'reuse:read'] as const;

/** SQL: key `k` may still hear of an event `e` of its unit (not revoked, not expired, a reading scope there). */
const keyHears = (k: string, unit: string) =>
  `(${k}.revoked_at IS NULL AND (${k}.expires_at IS NULL OR ${k}.expires_at > now()) AND ${unit} = ANY(${k}.unit_ids)
    AND ${k}.scopes && ARRAY['${READING_SCOPES.join("','")}']::text[])`;

export interface SubscriptionRow {
  id: string; apiKeyId: string; keyName: string; ownerUnitId: string; ownerUnitCode: string; url: string; events: string[];
  description: string | null; createdBy: string; createdAt: Date;
}

const SUBSCRIPTION = `s.id, s.api_key_id AS "apiKeyId", k.name AS "keyName", k.owner_unit_id AS "ownerUnitId", u.code AS "ownerUnitCode",
  s.url, s.event_types AS events, s.description, s.created_by AS "createdBy", s.created_at AS "createdAt"`;
const FROM_SUBSCRIPTIONS = `webhook_subscriptions s JOIN api_keys k ON k.id = s.api_key_id JOIN units u ON u.id = k.owner_unit_id`;

export async function insertSubscription(
  db: Queryable, s: { apiKeyId: string; url: string; events: readonly string[]; secret: string; description: string | null; createdBy: string },
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    'INSERT INTO webhook_subscriptions (api_key_id, url, event_types, secret, description, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
    [s.apiKeyId, s.url, s.events, s.secret, s.description, s.createdBy],
  );
  return rows[0]!.id;
}

/** Live subscriptions of keys owned by these units (null: every unit). */
export async function subscriptions(db: Queryable, ownerUnits: readonly string[] | null): Promise<SubscriptionRow[]> {
  const { rows } = await db.query<SubscriptionRow>(
    `SELECT ${SUBSCRIPTION} FROM ${FROM_SUBSCRIPTIONS}
     WHERE s.deleted_at IS NULL AND ($1::uuid[] IS NULL OR k.owner_unit_id = ANY($1)) ORDER BY s.created_at, s.id`,
    [ownerUnits],
  );
  return rows;
}

export async function subscription(db: Queryable, id: string): Promise<SubscriptionRow | null> {
  const { rows } = await db.query<SubscriptionRow>(`SELECT ${SUBSCRIPTION} FROM ${FROM_SUBSCRIPTIONS} WHERE s.id = $1 AND s.deleted_at IS NULL`, [id]);
  return rows[0] ?? null;
}

/** Ends a subscription; its deliveries not yet made are cancelled with it. */
export async function deleteSubscription(tx: Queryable, id: string, by: string): Promise<boolean> {
  const { rowCount } = await tx.query('UPDATE webhook_subscriptions SET deleted_at = now(), deleted_by = $2 WHERE id = $1 AND deleted_at IS NULL', [id, by]);
  await tx.query(`UPDATE webhook_deliveries SET status = 'cancelled', last_error = 'the subscription was deleted' WHERE subscription_id = $1 AND status = 'pending'`, [id]);
  return (rowCount ?? 0) > 0;
}

/**
 * The deliveries of these events: one per live subscription that asked for the event's type and whose key may
 * read the event's unit, from the subscription's creation on. Made once (a relay run again makes none twice).
 */
export async function insertDeliveries(tx: Queryable, eventIds: readonly string[]): Promise<string[]> {
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO webhook_deliveries (subscription_id, event_id, stream)
     SELECT s.id, e.id, coalesce(e.dossier_code, 'event:' || e.webhook_id)
     FROM events e
     JOIN webhook_subscriptions s ON s.deleted_at IS NULL AND e.type = ANY(s.event_types) AND s.created_at <= e.occurred_at
     JOIN api_keys k ON k.id = s.api_key_id AND ${keyHears('k', 'e.unit_id')}
     WHERE e.id = ANY($1::bigint[])
     ORDER BY e.id, s.id
     ON CONFLICT (subscription_id, event_id) DO NOTHING
     RETURNING id`,
    [eventIds],
  );
  return rows.map((r) => r.id);
}

export interface DeliveryState { id: string; subscriptionId: string; stream: string; status: 'pending' | 'delivered' | 'failed' | 'cancelled' }

export async function deliveryState(db: Queryable, id: string): Promise<DeliveryState | null> {
  const { rows } = await db.query<DeliveryState>('SELECT id, subscription_id AS "subscriptionId", stream, status FROM webhook_deliveries WHERE id = $1', [id]);
  return rows[0] ?? null;
}

/** What sending one delivery needs: the event, where to, the secret, and whether the key may still hear of it. */
export interface DeliveryToSend {
  id: string; webhookId: string; type: string; data: Record<string, unknown>; occurredAt: Date; url: string; secret: string;
  live: boolean; keyHears: boolean;
}

/** The earliest delivery of the stream still pending: the one that must go before any later one. */
export async function firstPending(db: Queryable, subscriptionId: string, stream: string): Promise<DeliveryToSend | null> {
  const { rows } = await db.query<DeliveryToSend>(
    `SELECT d.id, e.webhook_id AS "webhookId", e.type, e.data, e.occurred_at AS "occurredAt", s.url, s.secret,
            (s.deleted_at IS NULL) AS live, ${keyHears('k', 'e.unit_id')} AS "keyHears"
     FROM webhook_deliveries d JOIN events e ON e.id = d.event_id
     JOIN webhook_subscriptions s ON s.id = d.subscription_id JOIN api_keys k ON k.id = s.api_key_id
     WHERE d.subscription_id = $1 AND d.stream = $2 AND d.status = 'pending'
     ORDER BY d.event_id LIMIT 1`,
    [subscriptionId, stream],
  );
  return rows[0] ?? null;
}

/** One attempt's outcome: delivered, or still pending with the receiver's answer or the error in words (a delivered one keeps its last error). */
export async function recordAttempt(db: Queryable, id: string, a: { ok: boolean; status: number | null; error: string | null }): Promise<void> {
  await db.query(
    `UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = $2, last_error = coalesce($3, last_error), last_attempt_at = now(),
            status = CASE WHEN $4 THEN 'delivered' ELSE status END, delivered_at = CASE WHEN $4 THEN now() ELSE delivered_at END
     WHERE id = $1 AND status = 'pending'`,
    [id, a.status, a.error, a.ok],
  );
}

/** No retry left: the delivery failed for good (the later ones of its dossier are no longer held back by it). */
export async function failDelivery(db: Queryable, id: string, error: string): Promise<void> {
  await db.query(`UPDATE webhook_deliveries SET status = 'failed', last_error = $2 WHERE id = $1 AND status = 'pending'`, [id, error]);
}

/** The key may no longer hear of it (revoked, expired, its units changed) or the subscription is gone. */
export async function cancelDelivery(db: Queryable, id: string, why: string): Promise<void> {
  await db.query(`UPDATE webhook_deliveries SET status = 'cancelled', last_error = $2 WHERE id = $1 AND status = 'pending'`, [id, why]);
}

export interface DeliveryRow {
  id: string; webhookId: string; type: string; dossier: string | null; record: string | null; status: string; attempts: number;
  lastStatus: number | null; lastError: string | null; lastAttemptAt: Date | null; deliveredAt: Date | null; createdAt: Date;
}

/** A subscription's delivery log, newest first. */
export async function deliveries(db: Queryable, subscriptionId: string, o: { status: string | null; limit: number }): Promise<DeliveryRow[]> {
  const { rows } = await db.query<DeliveryRow>(
    `SELECT d.id, e.webhook_id AS "webhookId", e.type, e.dossier_code AS dossier, e.record_id AS record, d.status, d.attempts,
            d.last_status AS "lastStatus", d.last_error AS "lastError", d.last_attempt_at AS "lastAttemptAt", d.delivered_at AS "deliveredAt",
            d.created_at AS "createdAt"
     FROM webhook_deliveries d JOIN events e ON e.id = d.event_id
     WHERE d.subscription_id = $1 AND ($2::text IS NULL OR d.status = $2)
     ORDER BY d.event_id DESC LIMIT $3`,
    [subscriptionId, o.status, o.limit],
  );
  return rows;
}
