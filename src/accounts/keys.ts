/**
 * Systems' API keys: named, owned by a unit, limited to units and scopes (access.ts `keyScopes`), with an expiry.
 * The key is `sohoa_key_` + 32 random bytes, shown once; only its SHA-256 is kept (it is random, so a slow hash
 * adds nothing). An admin manages every key; a unit-admin the keys of their unit and those below it.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  AppError, actorOf, keyScopes, recordAudit, requirePermission, unitFilter, unitRepository, withTransaction,
  type Caller, type Db, type KeyScope, type Queryable,
} from '@sohoa/shared';
import * as keys from './api-keys.repository.ts';
import { keyCaller } from './callers.ts';

export const KEY_PREFIX = 'sohoa_key_';

export const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

export interface KeyView {
  id: string; name: string; prefix: string; owner: string; units: string[]; scopes: string[];
  createdBy: string; createdAt: string; expiresAt: string | null; revokedAt: string | null; lastUsedAt: string | null;
  status: 'active' | 'expired' | 'revoked';
}

export function keyView(k: keys.ApiKeyRow, now = new Date()): KeyView {
  return {
    id: k.id, name: k.name, prefix: k.keyPrefix, owner: k.ownerUnitCode, units: k.unitCodes, scopes: k.scopes,
    createdBy: k.createdBy, createdAt: k.createdAt.toISOString(), expiresAt: k.expiresAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null, lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    status: k.revokedAt ? 'revoked' : k.expiresAt && k.expiresAt <= now ? 'expired' : 'active',
  };
}

export interface NewKey { name: string; unitCodes: string[]; scopes: string[]; ownerUnitCode?: string; expiresAt?: Date | null }

/** Creates a key; the secret is in the answer and nowhere else. */
export async function createKey(db: Db, by: Caller, k: NewKey): Promise<{ key: KeyView; secret: string }> {
  const name = k.name.trim();
  if (!name || name.length > 200 || /[\u0000-\u001f\u007f]/.test(name)) throw new AppError('invalid-input', 'name: 1 to 200 characters, no control characters', 422);
  const unknown = k.scopes.filter((s) => !(keyScopes as readonly string[]).includes(s));
  if (unknown.length || !k.scopes.length) throw new AppError('invalid-input', `scopes: one or more of ${keyScopes.join(', ')}${unknown.length ? ` (not: ${unknown.join(', ')})` : ''}`, 422);
  if (!k.unitCodes.length) throw new AppError('invalid-input', 'units: at least one unit the key may reach', 422);
  if (k.expiresAt && k.expiresAt <= new Date()) throw new AppError('invalid-input', 'expiresAt: must be in the future', 422);
  requirePermission(by, 'keys:manage');
  const codes = [...new Set(k.unitCodes)];
  const unitIds: string[] = [];
  for (const code of codes) {
    const unit = await unitRepository.unitByCode(db, code);
    if (!unit) throw new AppError('not-found', `unit ${code} not found`, 404);
    requirePermission(by, 'keys:manage', unit.id, `unit ${code} not found`);
    unitIds.push(unit.id);
  }
  const ownerCode = k.ownerUnitCode ?? codes[0]!;
  const owner = await unitRepository.unitByCode(db, ownerCode);
  if (!owner) throw new AppError('not-found', `unit ${ownerCode} not found`, 404);
  requirePermission(by, 'keys:manage', owner.id, `unit ${ownerCode} not found`);

  const secret = KEY_PREFIX + randomBytes(32).toString('base64url');
  const id = await withTransaction(db, async (tx) => {
    const id = await keys.createKey(tx, {
      name, ownerUnitId: owner.id, unitIds, scopes: [...new Set(k.scopes)], keySha256: hashKey(secret),
      keyPrefix: secret.slice(0, KEY_PREFIX.length + 6), createdBy: actorOf(by), expiresAt: k.expiresAt ?? null,
    });
    await recordAudit(tx, { actor: actorOf(by), action: 'key.created', subjectType: 'key', subjectId: id, detail: { name, owner: ownerCode, units: codes, scopes: k.scopes, expiresAt: k.expiresAt ?? null } });
    return id;
  });
  return { key: keyView((await keys.keyById(db, id))!), secret };
}

export async function listKeys(db: Queryable, by: Caller): Promise<KeyView[]> {
  const now = new Date();
  return (await keys.listKeys(db, unitFilter(by, 'keys:manage'))).map((k) => keyView(k, now));
}

export async function revokeKey(db: Db, by: Caller, id: string): Promise<KeyView> {
  await withTransaction(db, async (tx) => {
    const key = await keys.keyById(tx, id);
    requirePermission(by, 'keys:manage');
    if (!key) throw new AppError('not-found', 'key not found', 404);
    requirePermission(by, 'keys:manage', key.ownerUnitId, 'key not found');
    if (await keys.revokeKey(tx, id)) await recordAudit(tx, { actor: actorOf(by), action: 'key.revoked', subjectType: 'key', subjectId: id, detail: { name: key.name } });
  });
  return keyView((await keys.keyById(db, id))!);
}

/** When each key last wrote its last use, in this process: a key used 100 times a second costs one query a minute. */
const lastTouched = new Map<string, number>();

/** The caller a bearer key stands for, or 401: unknown, expired or revoked keys all fail alike. */
export async function callerOfKey(db: Queryable, secret: string): Promise<Caller> {
  const key = await keys.keyByHash(db, hashKey(secret));
  if (!key || key.revokedAt || (key.expiresAt && key.expiresAt <= new Date())) throw new AppError('unauthorized', 'the API key is not valid (unknown, expired or revoked)', 401);
  const now = Date.now();
  if ((lastTouched.get(key.id) ?? 0) < now - 60_000) {
    lastTouched.set(key.id, now);
    if (lastTouched.size > 10_000) lastTouched.clear();
    await keys.touchKey(db, key.id);
  }
  return keyCaller(key);
}
