import type { Queryable } from '@sohoa/shared';

/** A search a person keeps under a name (circular 01/2019): the query string and filters as given to GET /records. */
export interface SavedSearch { id: string; name: string; query: Record<string, unknown>; createdAt: string }

const COLUMNS = `id, name, query, created_at AS "createdAt"`;

/** The one writer of saved_searches. Saving under a name already used replaces that search. */
export async function saveSearch(db: Queryable, owner: string, name: string, query: Record<string, unknown>): Promise<SavedSearch> {
  const { rows } = await db.query<SavedSearch>(
    `INSERT INTO saved_searches (owner, name, query) VALUES ($1, $2, $3)
     ON CONFLICT (owner, name) DO UPDATE SET query = EXCLUDED.query RETURNING ${COLUMNS}`,
    [owner, name, query],
  );
  return rows[0]!;
}

export async function savedSearches(db: Queryable, owner: string): Promise<SavedSearch[]> {
  const { rows } = await db.query<SavedSearch>(`SELECT ${COLUMNS} FROM saved_searches WHERE owner = $1 ORDER BY name`, [owner]);
  return rows;
}

/** Only the owner's own: another person's id deletes nothing (and says so: false). */
export async function deleteSavedSearch(db: Queryable, owner: string, id: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM saved_searches WHERE id = $1 AND owner = $2', [id, owner]);
  return (rowCount ?? 0) > 0;
}
