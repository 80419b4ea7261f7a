import type { Queryable } from '@sohoa/shared';

/**
 * The one writer of search_words: every word (letters only: codes and numbers are not looked up for slips) that
 * the given records hold, added in the caller's transaction, the one that writes the records. Words are
 * inserted in sorted order so two archiving transactions never wait on each other in a cycle.
 */
export async function addRecordWords(db: Queryable, recordIds: readonly string[]): Promise<void> {
  await db.query(
    `INSERT INTO search_words (word)
     SELECT DISTINCT w.lexeme FROM records r, unnest(r.search_vector) AS w
     WHERE r.id = ANY($1::uuid[]) AND w.lexeme ~ '^[a-z]+$' ORDER BY 1
     ON CONFLICT (word) DO NOTHING`,
    [recordIds],
  );
}

/** Every word of every record (after a bulk load: the benchmark). */
export async function addAllRecordWords(db: Queryable): Promise<void> {
  await db.query(
    `INSERT INTO search_words (word)
     SELECT DISTINCT w.word FROM ts_stat('SELECT search_vector FROM records') AS w WHERE w.word ~ '^[a-z]+$'
     ON CONFLICT (word) DO NOTHING`,
  );
}
