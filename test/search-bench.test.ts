import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, migrate, type Db } from '@sohoa/shared';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '@sohoa/embedded';
import { parseQuery, searchRecords, tsQueries } from '@sohoa/archive-api';
import { loadCorpus, queryMix } from '../bench/search/bench.ts';
import { PLANTED } from '../bench/search/corpus.ts';

/** bench:search's corpus and query mix on a few thousand records: the answers are right (timing is the bench's). */
describe('bench:search on a small corpus', () => {
  let dir: string;
  let pg: EmbeddedPostgresHandle;
  let db: Db;
  let loaded: Awaited<ReturnType<typeof loadCorpus>>;
  let mix: ReturnType<typeof queryMix>;
  const run = async (name: string) => searchRecords(db, { ...mix.find((c) => c.name.startsWith(name))!.options, units: null, limit: 100 });

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sohoa-search-bench-'));
    await fs.chmod(dir, 0o711);
    pg = await startEmbeddedPostgres(path.join(dir, 'postgres'), () => {});
    await migrate(pg.databaseUrl);
    db = createDb(pg.databaseUrl, 2);
    loaded = await loadCorpus(db, 4000, () => {});
    mix = queryMix(loaded.owner, loaded.units[0]!.code);
  }, 180_000);

  afterAll(async () => {
    await db?.end();
    await pg?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('finds exactly the planted records by their rare word, with the page that holds it', async () => {
    const res = await run('rare word');
    expect(res.items.map((i) => i.id).sort()).toEqual([...loaded.plantedIds].sort());
    expect(res.items).toHaveLength(PLANTED);
    for (const item of res.items) expect(item.snippets.at(-1)!.text).toMatch(/<mark>Khuông<\/mark> <mark>Quýnh<\/mark>/);
  });

  it('finds the owner by identifier, and the same words with and without diacritics', async () => {
    const owner = await run('owner identifier');
    expect(owner.items).toHaveLength(1);
    const { rows } = await db.query('SELECT owner_identifier FROM records WHERE id = $1', [owner.items[0]!.id]);
    expect(rows[0].owner_identifier).toBe(loaded.owner);
    const [withMarks, without] = [await run('word with diacritics'), await run('word without diacritics')];
    expect(withMarks.items.length).toBeGreaterThan(0);
    expect(without.items.map((i) => i.id)).toEqual(withMarks.items.map((i) => i.id));
  });

  it('keeps a phrase whole and filters alone return only what they name', async () => {
    const phrase = await run('phrase');
    expect(phrase.items.length).toBeGreaterThan(0);
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM records WHERE id = ANY($1) AND sohoa_fold(text || ' ' || (metadata->>'title')) LIKE '%giay chung nhan quyen su dung dat%'`, [phrase.items.map((i) => i.id)]);
    expect(rows[0].n).toBe(phrase.items.length);
    const filtered = await run('filters only');
    expect(filtered.items.length).toBeGreaterThan(0);
    expect(new Set(filtered.items.map((i) => i.unit))).toEqual(new Set([loaded.units[0]!.code]));
    expect(filtered.facets.procedure).toEqual([{ value: 'XD', count: filtered.facets.counted }]);
  });

  it('ranks and counts the same records as the plain query would, for every query of the mix and either cap', async () => {
    // The plain query: every match of the whole tsquery, newest first, capped, then ranked. The search itself walks
    // time windows of GIN bitmaps and checks phrases on a capped set of their loosened words: the same records.
    const plain = async (q: string, cap: number, loosened: boolean) => {
      const match = tsQueries(parseQuery(q))!.match;
      const candidates = loosened ? match.replaceAll(' <-> ', ' & ') : match;
      const { rows } = await db.query(
        `WITH c AS (SELECT id, search_vector FROM records WHERE disposed_at IS NULL AND search_vector @@ $1::tsquery ORDER BY created_at DESC, id DESC LIMIT $3)
         SELECT id FROM c WHERE search_vector @@ $2::tsquery ORDER BY ts_rank(search_vector, $2::tsquery, 1) DESC, id DESC`,
        [candidates, match, cap],
      );
      return rows.map((r) => r.id as string);
    };
    let compared = 0;
    for (const c of mix.filter((x) => x.options.q && !x.name.includes('slip'))) {
      for (const cap of [1000, 100_000]) {
        const res = await searchRecords(db, { ...c.options, units: null, limit: 100, candidateCap: cap });
        const expected = await plain(c.options.q!, cap, c.name.startsWith('phrase'));
        expect(res.facets.counted, `${c.name}, cap ${cap}`).toBe(expected.length);
        expect(res.items.map((i) => i.id), `${c.name}, cap ${cap}`).toEqual(expected.slice(0, 100));
        compared += expected.length ? 1 : 0;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(10);
  });
});
