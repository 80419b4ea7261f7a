/**
 * Subscriptions of other systems to events (issue 11), managed by the unit-admins of the unit that owns the system's
 * API key (`webhooks:manage`, as keys themselves are), or an admin. The signing secret is in the creation's answer
 * and nowhere else; the receiving system is given it with its key. A subscription hears, of the types it asked for,
 * the events of the units its key may read (records:read, dossiers:read or reuse:read there), while the key lives.
 */
import {
  AppError, actorOf, eventTypes, recordAudit, requirePermission, unitFilter, withTransaction, type Caller, type Db, type EventType, type Queryable,
} from '@sohoa/shared';
import { isIP } from 'node:net';
import { isNonPublicAddress } from '@sohoa/signer';
import * as repo from './webhooks.repository.ts';
import { newSecret } from './sender.ts';

export interface SubscriptionView {
  id: string; apiKey: { id: string; name: string; owner: string }; url: string; events: string[]; description: string | null;
  createdBy: string; createdAt: string;
}

const view = (s: repo.SubscriptionRow): SubscriptionView => ({
  id: s.id, apiKey: { id: s.apiKeyId, name: s.keyName, owner: s.ownerUnitCode }, url: s.url, events: s.events, description: s.description,
  createdBy: s.createdBy, createdAt: s.createdAt.toISOString(),
});

const invalid = (field: string, message: string) => new AppError('invalid-input', `${field}: ${message}`, 422, { fields: [{ field, message }] });

export interface NewSubscription { apiKey: string; url: string; events: EventType[]; description?: string | null }

/**
 * Checks a receiver's URL: http(s), no credentials in it (they would sit in the delivery log's neighbourhood), and
 * not a loopback or private address unless OUTBOUND_ALLOW_PRIVATE allows one. Only what the URL itself says is
 * checked here; a name that resolves inward is refused at each delivery, after DNS (sender.ts).
 */
export function receiverUrl(value: string, o: { allowPrivate?: boolean } = {}): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid('url', 'an absolute http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('url', 'http or https only');
  if (url.username || url.password) throw invalid('url', 'no user name or password in it');
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const inward = host === 'localhost' || host.endsWith('.localhost') || (isIP(host) !== 0 && isNonPublicAddress(host));
  if (inward && o.allowPrivate !== true) throw invalid('url', 'not a loopback or private address (OUTBOUND_ALLOW_PRIVATE is off)');
  return url.toString();
}

async function keyOwnedWhereCallerManages(db: Queryable, caller: Caller, keyId: string): Promise<{ id: string; ownerUnitId: string; revoked: boolean }> {
  requirePermission(caller, 'webhooks:manage');
  const { rows } = await db.query<{ id: string; owner_unit_id: string; revoked: boolean }>(
    'SELECT id, owner_unit_id, (revoked_at IS NOT NULL) AS revoked FROM api_keys WHERE id = $1', [keyId],
  );
  const key = rows[0];
  if (!key) throw new AppError('not-found', 'key not found', 404);
  requirePermission(caller, 'webhooks:manage', key.owner_unit_id, 'key not found');
  return { id: key.id, ownerUnitId: key.owner_unit_id, revoked: key.revoked };
}

/** A new subscription, with its signing secret (shown this once). */
export async function createSubscription(db: Db, caller: Caller, s: NewSubscription, o: { allowPrivate?: boolean } = {}): Promise<SubscriptionView & { secret: string }> {
  const url = receiverUrl(s.url, o);
  const events = [...new Set(s.events)];
  if (!events.length || events.some((e) => !(eventTypes as readonly string[]).includes(e))) {
    throw invalid('events', `one or more of ${eventTypes.join(', ')}`);
  }
  const key = await keyOwnedWhereCallerManages(db, caller, s.apiKey);
  if (key.revoked) throw new AppError('key-revoked', 'the key is revoked: it hears of nothing', 409);
  const secret = newSecret();
  const id = await withTransaction(db, async (tx) => {
    const id = await repo.insertSubscription(tx, { apiKeyId: key.id, url, events, secret, description: s.description ?? null, createdBy: actorOf(caller) });
    await recordAudit(tx, { actor: actorOf(caller), action: 'webhook.created', subjectType: 'webhook', subjectId: id, unitId: key.ownerUnitId, detail: { key: key.id, url, events } });
    return id;
  });
  return { ...view((await repo.subscription(db, id))!), secret };
}

/** The subscriptions of the keys owned where the caller manages webhooks. */
export async function listSubscriptions(db: Queryable, caller: Caller): Promise<SubscriptionView[]> {
  return (await repo.subscriptions(db, unitFilter(caller, 'webhooks:manage'))).map(view);
}

async function subscriptionFor(db: Queryable, caller: Caller, id: string): Promise<repo.SubscriptionRow> {
  requirePermission(caller, 'webhooks:manage');
  const s = await repo.subscription(db, id);
  if (!s) throw new AppError('not-found', 'webhook not found', 404);
  requirePermission(caller, 'webhooks:manage', s.ownerUnitId, 'webhook not found');
  return s;
}

/** Ends a subscription: nothing more is sent to it, its pending deliveries are cancelled. */
export async function deleteSubscription(db: Db, caller: Caller, id: string): Promise<void> {
  const s = await subscriptionFor(db, caller, id);
  await withTransaction(db, async (tx) => {
    if (await repo.deleteSubscription(tx, id, actorOf(caller))) {
      await recordAudit(tx, { actor: actorOf(caller), action: 'webhook.deleted', subjectType: 'webhook', subjectId: id, unitId: s.ownerUnitId, detail: { url: s.url } });
    }
  });
}

export interface DeliveryView {
  id: string; webhookId: string; type: string; dossier: string | null; record: string | null;
  status: 'pending' | 'delivered' | 'failed' | 'cancelled'; attempts: number; lastStatus: number | null; lastError: string | null;
  lastAttemptAt: string | null; deliveredAt: string | null; createdAt: string;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A subscription's delivery log, newest first: status, attempts, the receiver's last answer or error. */
export async function deliveryLog(db: Queryable, caller: Caller, id: string, o: { status?: string | null; limit?: number } = {}): Promise<DeliveryView[]> {
  await subscriptionFor(db, caller, id);
  const rows = await repo.deliveries(db, id, { status: o.status ?? null, limit: o.limit ?? 100 });
  return rows.map((d) => ({
    ...d, status: d.status as DeliveryView['status'], lastAttemptAt: iso(d.lastAttemptAt), deliveredAt: iso(d.deliveredAt), createdAt: d.createdAt.toISOString(),
  }));
}
