import type { Queryable } from '../db.ts';

/** The only writer of `units` (today the first start creates the demo unit; an admin command would come here too). */
export async function createUnit(db: Queryable, u: { code: string; name: string }): Promise<string> {
  const { rows } = await db.query<{ id: string }>('INSERT INTO units (code, name) VALUES ($1, $2) RETURNING id', [u.code, u.name]);
  return rows[0].id;
}
