import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchReadyToSplit, createDb, importCatalog, migrate, type Db } from '@sohoa/shared';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '@sohoa/embedded';
import { repoRoot } from './helpers/stack.ts';

/**
 * Issue 8 on the real PostgreSQL (no OCR, no object store): importCatalog is one transaction, and what the
 * batch-readiness check and the batch's page lookups read is indexed.
 */
describe('the catalog import and the batch indexes', () => {
  let root: string;
  let pg: EmbeddedPostgresHandle;
  let db: Db;
  const count = async (sql: string) => Number((await db.query<{ n: string }>(sql)).rows[0]!.n);
  const stored = async () => ({
    versions: await count('SELECT count(*) AS n FROM catalog_versions'),
    procedures: await count('SELECT count(*) AS n FROM procedures'),
    components: await count('SELECT count(*) AS n FROM components'),
    audited: await count(`SELECT count(*) AS n FROM audit_events WHERE action = 'catalog.imported'`),
  });

  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'sohoa-catalog-'));
    await fs.chmod(root, 0o711); // the postgres user walks through it to its cluster
    pg = await startEmbeddedPostgres(path.join(root, 'postgres'), () => {});
    await migrate(pg.databaseUrl);
    db = createDb(pg.databaseUrl, 2);
  });
  afterAll(async () => {
    await db?.end();
    await pg?.stop();
    await fs.rm(root, { recursive: true, force: true });
  });

  it('stores nothing of a catalog whose import fails half-way, and all of it when it succeeds', async () => {
    const sample = JSON.parse(await fs.readFile(path.join(repoRoot, 'samples', 'catalog.json'), 'utf8'));
    const last = sample.procedures.at(-1);
    const failingCode = last.components.at(-1).code;
    const parts = sample.procedures.reduce((n: number, p: any) => n + p.components.length + (p.results?.length ?? 0), 0);
    // The database refuses the last component of the last procedure: every procedure and component before it was written.
    await db.query(`CREATE FUNCTION refuse_component() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$`);
    await db.query(`CREATE TRIGGER refuse_component BEFORE INSERT ON components FOR EACH ROW WHEN (NEW.code = '${failingCode}' AND NEW.procedure_code = '${last.code}') EXECUTE FUNCTION refuse_component()`);
    const raw = Buffer.from(JSON.stringify(sample));
    await expect(importCatalog(db, raw)).rejects.toThrow('disk full');
    expect(await stored()).toEqual({ versions: 0, procedures: 0, components: 0, audited: 0 });

    await db.query('DROP TRIGGER refuse_component ON components');
    expect(await importCatalog(db, raw)).toMatchObject({ created: true });
    expect(await stored()).toEqual({ versions: 1, procedures: sample.procedures.length, components: parts, audited: 1 });
    expect(await importCatalog(db, raw)).toMatchObject({ created: false }); // the same bytes again: the same version
  });

  it('answers the batch-readiness check and a batch\'s pages from indexes, not by reading every page', async () => {
    const batchId = '00000000-0000-4000-8000-000000000001';
    const plan = async (sql: string) => {
      const client = await db.connect();
      try {
        await client.query('BEGIN');
        await client.query('SET LOCAL enable_seqscan = off'); // an index is used if one serves the query
        const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${sql}`, [batchId]);
        await client.query('ROLLBACK');
        return JSON.stringify(rows[0]['QUERY PLAN']);
      } finally {
        client.release();
      }
    };
    // The query batchReadyToSplit really runs, as it runs it.
    let readinessSql = '';
    const recording = { query: (sql: string, params?: unknown[]) => ((readinessSql = sql), db.query(sql, params)) } as unknown as Db;
    expect(await batchReadyToSplit(recording, batchId)).toBe(true); // nothing waits in an unknown batch
    const readiness = await plan(readinessSql);
    expect(readiness).toContain('"Index Name":"pages_batch_status"');
    expect(readiness).toContain('"Index Name":"batch_files_batch_status"');
    expect(readiness).not.toContain('"Node Type":"Seq Scan"');
    const pagesOfBatch = await plan('SELECT id FROM pages WHERE batch_id = $1');
    expect(pagesOfBatch).toContain('"Index Name":"pages_batch_status"');
    expect(pagesOfBatch).not.toContain('"Node Type":"Seq Scan"');
  });
});
