/** The only writer of `api_keys`: systems' keys, stored by the SHA-256 of the key (shown once, at creation). */
import type { Queryable } from '@sohoa/shared';

export interface ApiKeyRow {
  id: string; name: string; ownerUnitId: string; ownerUnitCode: string; unitIds: string[]; unitCodes: string[];
  scopes: string[]; keyPrefix: string; createdBy: string; createdAt: Date; expiresAt: Date | null;
  revokedAt: Date | null; lastUsedAt: Date | null;
}

const KEY_COLUMNS = `k.id, k.name, k.owner_unit_id AS "ownerUnitId", o.code AS "ownerUnitCode", k.unit_ids AS "unitIds",
  ARRAY(SELECT u.code FROM units u WHERE u.id = ANY(k.unit_ids) ORDER BY u.code) AS "unitCodes", k.scopes,
  k.key_prefix AS "keyPrefix", k.created_by AS "createdBy", k.created_at AS "createdAt", k.expires_at AS "expiresAt",
  k.revoked_at AS "revokedAt", k.last_used_at AS "lastUsedAt"`;
const FROM_KEYS = 'FROM api_keys k JOIN units o ON o.id = k.owner_unit_id';

export async function createKey(db: Queryable, k: {
  name: string; ownerUnitId: string; unitIds: string[]; scopes: string[]; keySha256: string; keyPrefix: string; createdBy: string; expiresAt: Date | null;
}): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO api_keys (name, owner_unit_id, unit_ids, scopes, key_sha256, key_prefix, created_by, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [k.name, k.ownerUnitId, k.unitIds, k.scopes, k.keySha256, k.keyPrefix, k.createdBy, k.expiresAt],
  );
  return rows[0].id;
}

/** The key with this hash, whatever its state (the caller tells expired and revoked apart). */
export async function keyByHash(db: Queryable, keySha256: string): Promise<ApiKeyRow | null> {
  const { rows } = await db.query<ApiKeyRow>(`SELECT ${KEY_COLUMNS} ${FROM_KEYS} WHERE k.key_sha256 = $1`, [keySha256]);
  return rows[0] ?? null;
}

export async function keyById(db: Queryable, id: string): Promise<ApiKeyRow | null> {
  const { rows } = await db.query<ApiKeyRow>(`SELECT ${KEY_COLUMNS} ${FROM_KEYS} WHERE k.id = $1`, [id]);
  return rows[0] ?? null;
}

/** Keys owned by the given units (null: all), newest first. */
export async function listKeys(db: Queryable, ownerUnitIds: string[] | null): Promise<ApiKeyRow[]> {
  const { rows } = await db.query<ApiKeyRow>(
    `SELECT ${KEY_COLUMNS} ${FROM_KEYS} WHERE $1::uuid[] IS NULL OR k.owner_unit_id = ANY($1) ORDER BY k.created_at DESC`,
    [ownerUnitIds],
  );
  return rows;
}

/** True when it was live until now. */
export async function revokeKey(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [id]);
  return (rowCount ?? 0) > 0;
}

/** The last use, to the minute: a busy key does not write on every request. */
export async function touchKey(db: Queryable, id: string): Promise<void> {
  await db.query("UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')", [id]);
}
