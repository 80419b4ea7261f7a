import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { batchReadyToSplit, createDb, documentRepository, importCatalog, migrate, type Db, type NewDocument } from '@sohoa/shared';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '@sohoa/embedded';
import { repoRoot } from './helpers/stack.ts';
import * as splitRepository from '../services/matching/src/jobs/split.repository.ts';

/**
 * Repositories on the real PostgreSQL, no OCR and no object store (the middle tier of issue 8): importCatalog is
 * one transaction, documents move only by their named transitions (a stale build or a rerun changes nothing), and
 * what the batch-readiness check and a batch's page lookups read is indexed.
 */
describe('repositories: the catalog import, document transitions, batch indexes', () => {
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

  it('keeps a component\'s aliases and form numbers for the matcher, and empty lists for a catalog without them', async () => {
    const { versionId } = await importCatalog(db, await fs.readFile(path.join(repoRoot, 'samples', 'catalog.json')));
    const candidates = await splitRepository.candidates(db, versionId, 'XD');
    expect(candidates.find((c) => c.code === 'XD-DON')).toMatchObject({ aliases: expect.arrayContaining(['Đơn xin cấp giấy phép xây dựng']), formNumbers: ['Mẫu số 01 Phụ lục II'] });
    expect(candidates.find((c) => c.code === 'XD-KQ')).toMatchObject({ kind: 'result', aliases: [], formNumbers: [] });
    const plain = { version: 2, procedures: [{ code: 'P', name: 'Thủ tục', components: [{ code: 'P-A', name: 'Đơn', retention: 'permanent' }] }] };
    const { versionId: plainVersion } = await importCatalog(db, Buffer.from(JSON.stringify(plain)));
    expect(await splitRepository.candidates(db, plainVersion, 'P')).toEqual([{ procedureCode: 'P', code: 'P-A', name: 'Đơn', kind: 'component', required: false, aliases: [], formNumbers: [] }]);
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
    // The fair-share partial indexes (pages_waiting, batch_files_waiting) serve the waiting rows as well.
    expect(readiness).toMatch(/"Index Name":"(pages_batch_status|pages_waiting)"/);
    expect(readiness).toMatch(/"Index Name":"(batch_files_batch_status|batch_files_waiting)"/);
    expect(readiness).not.toContain('"Node Type":"Seq Scan"');
    const pagesOfBatch = await plan('SELECT id FROM pages WHERE batch_id = $1');
    expect(pagesOfBatch).toContain('"Index Name":"pages_batch_status"');
    expect(pagesOfBatch).not.toContain('"Node Type":"Seq Scan"');
  });
  it('moves a document only by its named transitions: a build of an edited revision is refused, a rerun changes nothing', async () => {
    const { rows: [unit] } = await db.query(`INSERT INTO units (code, name) VALUES ('000.00.00.H01', 'UBND xã Thử') RETURNING id`);
    const { rows: [version] } = await db.query(`INSERT INTO catalog_versions (source_sha256, document) VALUES ('documents-test', '{}') RETURNING id`);
    const { rows: [dossier] } = await db.query(`INSERT INTO dossiers (code, unit_id, catalog_version_id) VALUES ('D-REPO', $1, $2) RETURNING id`, [unit.id, version.id]);
    const { rows: [batch] } = await db.query(`INSERT INTO batches (unit_id, dossier_id, source, created_by) VALUES ($1, $2, 'upload', 'test') RETURNING id`, [unit.id, dossier.id]);
    const newDocument = (position: number): NewDocument => ({
      id: randomUUID(), batchId: batch.id, dossierId: dossier.id, position, kind: 'document', pageIds: [randomUUID()], blankPageIds: [],
      procedureCode: 'KS', componentCode: 'KS-TK', title: null, confidence: 0.9, runnerUp: null, explanation: [], fields: {}, needsReview: false, confirmedBy: null,
    });
    const state = async (id: string) =>
      (await db.query<{ status: string; revision: number; pdf_key: string | null; error: string | null }>('SELECT status, revision, pdf_key, error FROM documents WHERE id = $1', [id])).rows[0]!;
    const [a, b, c] = [newDocument(0), newDocument(1), newDocument(2)];
    for (const d of [a, b, c]) await documentRepository.createFromSplit(db, d);
    const read = await state(a.id);
    expect(read.status).toBe('matched');

    await documentRepository.edited(db, a.id, 'matched'); // the clerk reorders while the build of what was read runs
    expect(await documentRepository.markBuilt(db, a.id, read.revision, 'stale.pdf')).toBe(false);
    expect(await state(a.id)).toMatchObject({ status: 'matched', revision: read.revision + 1, pdf_key: null });
    expect(await documentRepository.markBuilt(db, a.id, read.revision + 1, 'a.pdf')).toBe(true);
    expect(await documentRepository.markBuilt(db, a.id, read.revision + 1, 'again.pdf')).toBe(false); // a rerun
    expect(await documentRepository.markArchived(db, a.id)).toBe(false); // not signed yet
    expect(await documentRepository.markSigned(db, a.id, 'a.signed.pdf')).toBe(true);
    expect(await documentRepository.markSigned(db, a.id, 'again.signed.pdf')).toBe(false);
    expect(await documentRepository.markFailed(db, a.id, 'built', 'too late')).toBe(false); // the signer no longer holds it
    expect(await documentRepository.markArchived(db, a.id)).toBe(true);
    expect(await state(a.id)).toMatchObject({ status: 'archived', pdf_key: 'a.pdf', error: null });

    const merged = await state(b.id);
    await documentRepository.merge(db, c.id, [...c.pageIds, ...b.pageIds], b.id);
    expect(await state(b.id)).toMatchObject({ status: 'merged', revision: merged.revision + 1 });
    expect(await documentRepository.markBuilt(db, b.id, merged.revision, 'b.pdf')).toBe(false); // a build queued before the merge
    expect(await documentRepository.markFailed(db, c.id, 'matched', 'the page images are gone')).toBe(true);
    expect(await state(c.id)).toMatchObject({ status: 'failed', error: 'the page images are gone' });
  });
});
