import fs from 'node:fs/promises';
import path from 'node:path';
import { runner } from 'node-pg-migrate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectObjectStore, createDb, linkWaitingAudit, migrate, recordAudit, startAuditSweep, unitRepository, withTransaction, type Db, type ObjectStore, type Queryable } from '@sohoa/shared';
import { AUDIT_HEAD_CRON, auditHeadJob, listAuditEvents, verifyAuditTrail, writeAuditHead } from '@sohoa/archive-api';
import { walkChain } from '../services/archive-api/src/audit.repository.ts';
import { createApiToken } from '../src/http/auth.ts';
import { expectResponseConforms } from './helpers/contract-check.ts';
import { startOwnServices, stopOwnServices, type OwnServices } from './helpers/own-services.ts';
import { repoRoot, run, startTestStack, type TestStack } from './helpers/stack.ts';

const migrationsDir = path.join(repoRoot, 'shared', 'migrations');
const CHAIN_MIGRATION = '1765200000000_audit-chain';

/**
 * The audit trail's hash chain against real PostgreSQL: tampering is done as a superuser would (triggers switched
 * off, then the row edited, deleted or slipped in), and verification must name exactly the row touched.
 */
describe('tamper-evident audit trail', () => {
  let services: OwnServices;
  let trails = 0;

  beforeAll(async () => {
    services = await startOwnServices('sohoa-audit-');
    await services.db.query('CREATE DATABASE audit_template');
    await migrate(urlOf('audit_template'));
  }, 120_000);

  afterAll(async () => {
    await stopOwnServices(services);
  });

  const urlOf = (database: string) => services.postgres.databaseUrl.replace(/\/sohoa$/, `/${database}`);

  /** A fresh, migrated database and its own bucket, so each test tampers with its own chain. */
  async function freshTrail(): Promise<{ db: Db; store: ObjectStore; url: string; bucket: string }> {
    const name = `audit_${++trails}`;
    await services.db.query(`CREATE DATABASE ${name} TEMPLATE audit_template`);
    const bucket = `audit-test-${trails}`;
    const store = await connectObjectStore({ ...services.s3, bucket, region: 'us-east-1' });
    return { db: createDb(urlOf(name), 4), store, url: urlOf(name), bucket };
  }

  async function writeEvents(db: Db, n: number, from = 0): Promise<string[]> {
    const ids: string[] = [];
    for (let i = from; i < from + n; i++) {
      await recordAudit(db, { actor: `user:${i % 3}`, action: 'record.read', subjectType: 'record', subjectId: `r-${i}`, detail: { i, note: 'Giấy chứng nhận' } });
      ids.push((await db.query('SELECT max(id)::text AS id FROM audit_events')).rows[0].id);
    }
    return ids;
  }

  /** What an intruder with the database's superuser does: the table's own triggers switched off around the edit. */
  async function tamper(db: Db, sql: string, values: unknown[] = []): Promise<void> {
    const client = await db.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL TimeZone = 'UTC'`);
      await client.query('ALTER TABLE audit_events DISABLE TRIGGER USER');
      for (const statement of sql.split(';').filter((s) => s.trim())) await client.query(statement, statement.includes('$1') ? values : []);
      await client.query('ALTER TABLE audit_events ENABLE TRIGGER USER');
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  }

  const rowAt = async (db: Db, seq: number) => (await db.query('SELECT id::text, seq::int, hash FROM audit_events WHERE seq = $1', [seq])).rows[0];

  it('chains existing rows in the migration, in the order they were written', async () => {
    await services.db.query('CREATE DATABASE audit_backfill');
    const url = urlOf('audit_backfill');
    const before = (await fs.readdir(migrationsDir)).filter((n) => n.endsWith('.sql') && n < CHAIN_MIGRATION).length;
    await runner({ databaseUrl: url, dir: migrationsDir, direction: 'up', migrationsTable: 'migrations', count: before, log: () => {}, singleTransaction: true });
    const db = createDb(url, 2);
    try {
      for (let i = 0; i < 5; i++) {
        await db.query('INSERT INTO audit_events (actor, action, subject_type, subject_id, detail) VALUES ($1, $2, $3, $4, $5)', ['system', 'old.event', 'batch', `b-${i}`, { i }]);
      }
      await migrate(url);
      const { rows } = await db.query('SELECT seq::int, detail FROM audit_events ORDER BY id');
      expect(rows.map((r) => [r.seq, r.detail.i])).toEqual([[1, 0], [2, 1], [3, 2], [4, 3], [5, 4]]);
      const report = await verifyAuditTrail({ db, store: null });
      expect(report).toMatchObject({ intact: true, rows: 5, problems: [] });
    } finally {
      await db.end();
    }
  });

  it('refuses UPDATE, DELETE and TRUNCATE, and sets the chain columns itself whatever an INSERT says', async () => {
    const { db } = await freshTrail();
    try {
      const [id] = await writeEvents(db, 2);
      await expect(db.query(`UPDATE audit_events SET action = 'nothing' WHERE id = $1`, [id])).rejects.toThrow(/append-only: UPDATE refused/);
      await expect(db.query('DELETE FROM audit_events WHERE id = $1', [id])).rejects.toThrow(/append-only: DELETE refused/);
      await expect(db.query('TRUNCATE audit_events')).rejects.toThrow(/append-only: TRUNCATE refused/);
      await db.query(`INSERT INTO audit_events (actor, action, subject_type, subject_id, seq, hash, prev_hash) VALUES ('x', 'forged', 'record', 'r', 1, 'f', 'f')`);
      const { rows } = await db.query('SELECT seq::int, action, prev_hash FROM audit_events ORDER BY seq');
      expect(rows.map((r) => [r.seq, r.action])).toEqual([[1, 'record.read'], [2, 'record.read'], [3, 'forged']]);
      expect(rows[0].prev_hash).toBe('0'.repeat(64));
      // A row (outside a trigger) can no more fill its own chain columns than rewrite them.
      await expect(db.query(`UPDATE audit_events SET hash = 'x' WHERE seq = 1`)).rejects.toThrow(/append-only/);
      expect((await verifyAuditTrail({ db, store: null })).intact).toBe(true);
      // Grants: nobody but the owner may change rows (production gives the app role SELECT and INSERT only).
      const { rows: grants } = await db.query(`SELECT has_table_privilege('public', 'audit_events', 'UPDATE') AS u, has_table_privilege('public', 'audit_events', 'DELETE') AS d`);
      expect(grants[0]).toEqual({ u: false, d: false });
    } finally {
      await db.end();
    }
  });

  it('names a row edited in the database as changed, and only that row; and recomputing its hash does not hide it', async () => {
    const { db, store } = await freshTrail();
    try {
      const ids = await writeEvents(db, 8);
      await tamper(db, `UPDATE audit_events SET detail = jsonb_set(detail, '{note}', '"Giấy chứng tử"') WHERE id = $1`, [ids[4]]);
      let report = await verifyAuditTrail({ db, store });
      expect(report.intact).toBe(false);
      expect(report.problems).toEqual([expect.objectContaining({ kind: 'changed', seq: 5, id: ids[4] })]);

      // A smarter intruder recomputes the edited row's hash: the next row is still linked to the old one.
      await tamper(db, `UPDATE audit_events a SET hash = encode(sha256(convert_to(prev_hash || E'\\n' || audit_canonical(to_jsonb(a)), 'UTF8')), 'hex') WHERE id = $1`, [ids[4]]);
      report = await verifyAuditTrail({ db, store });
      expect(report.problems).toEqual([expect.objectContaining({ kind: 'changed', seq: 5, id: ids[4] })]);
      expect(report.problems[0]!.message).toMatch(/replaced/);
    } finally {
      await db.end();
    }
  });

  it('names a deleted row by the gap it leaves', async () => {
    const { db, store } = await freshTrail();
    try {
      const ids = await writeEvents(db, 6);
      await tamper(db, 'DELETE FROM audit_events WHERE id = $1', [ids[2]]);
      const report = await verifyAuditTrail({ db, store });
      expect(report.problems).toEqual([expect.objectContaining({ kind: 'deleted', seq: 3, id: null })]);
      expect(report.problems[0]!.message).toMatch(/row 3 is missing/);
    } finally {
      await db.end();
    }
  });

  it('names a row slipped into the middle, even with a hash of its own and the rows after it renumbered', async () => {
    const { db, store } = await freshTrail();
    try {
      await writeEvents(db, 6);
      const before = await rowAt(db, 3);
      await tamper(db, `
        UPDATE audit_events SET seq = -seq - 1 WHERE seq >= 4;
        UPDATE audit_events SET seq = -seq WHERE seq < 0;
        INSERT INTO audit_events (actor, action, subject_type, subject_id, seq, prev_hash) VALUES ('user:x', 'record.read', 'record', 'forged', 4, $1);
        UPDATE audit_events a SET hash = encode(sha256(convert_to(prev_hash || E'\\n' || audit_canonical(to_jsonb(a)), 'UTF8')), 'hex') WHERE seq = 4`, [before.hash]);
      const forged = await rowAt(db, 4);
      const report = await verifyAuditTrail({ db, store });
      expect(report.intact).toBe(false);
      expect(report.problems[0]).toMatchObject({ kind: 'inserted', seq: 4, id: forged.id });
      expect(report.problemCount).toBe(1); // the renumbered rows after it are the insertion's doing, not more problems
    } finally {
      await db.end();
    }
  });

  it('finds rows slipped in with the chain trigger off, outside the chain', async () => {
    const { db, store } = await freshTrail();
    try {
      await writeEvents(db, 3);
      await tamper(db, `INSERT INTO audit_events (actor, action, subject_type, subject_id) VALUES ('user:x', 'record.read', 'record', 'forged')`);
      const { rows } = await db.query(`SELECT id::text FROM audit_events WHERE subject_id = 'forged'`);
      expect((await verifyAuditTrail({ db, store })).problems).toEqual([expect.objectContaining({ kind: 'unchained', id: rows[0].id })]);
    } finally {
      await db.end();
    }
  });

  it('finds a cut-off tail against the last head written to the object store', async () => {
    const { db, store } = await freshTrail();
    try {
      await writeEvents(db, 5);
      expect(await writeAuditHead({ db, store })).toMatchObject({ written: true, key: 'audit-heads/00000000000000000005.json', head: { seq: 5 } });
      expect(await writeAuditHead({ db, store })).toMatchObject({ written: false }); // one object per head, never rewritten
      await writeEvents(db, 2, 5);
      expect((await verifyAuditTrail({ db, store })).intact).toBe(true); // rows after the head are fine
      // The cron job writes the newer head once, then has nothing to do until the next row.
      expect(await auditHeadJob({ db, store }).run({})).toEqual({ status: 'done' });
      expect(await auditHeadJob({ db, store }).run({})).toMatchObject({ status: 'skipped' });
      expect((await store.list('audit-heads/')).sort()).toEqual(['audit-heads/00000000000000000005.json', 'audit-heads/00000000000000000007.json']);

      await tamper(db, 'DELETE FROM audit_events WHERE seq >= 4');
      // Without the head the shortened chain is consistent in itself: the head is what shows the cut.
      expect((await verifyAuditTrail({ db, store: null })).intact).toBe(true);
      const report = await verifyAuditTrail({ db, store });
      expect(report.problems).toEqual([expect.objectContaining({ kind: 'truncated', seq: 4 })]);
      expect(report.problems[0]!.message).toContain('audit-heads/00000000000000000007.json');
    } finally {
      await db.end();
    }
  });

  it('keeps one chain when several connections insert at once, inside longer transactions', async () => {
    const { db } = await freshTrail();
    try {
      const writers = 6;
      const perWriter = 15;
      await Promise.all(Array.from({ length: writers }, async (_, w) => {
        const client = await db.connect();
        try {
          for (let t = 0; t < perWriter; t++) {
            await client.query('BEGIN');
            await recordAudit(client, { actor: `writer:${w}`, action: 'a', subjectType: 'record', subjectId: `${w}-${t}`, detail: { first: true } });
            await client.query('SELECT pg_sleep(0.002)'); // the rest of the transaction's work, while others commit
            await recordAudit(client, { actor: `writer:${w}`, action: 'b', subjectType: 'record', subjectId: `${w}-${t}` });
            await client.query('COMMIT');
          }
        } finally {
          client.release();
        }
      }));
      await linkWaitingAudit(db); // rows that committed while another held the chain (the server's sweep does this every second)
      const { rows } = await db.query('SELECT count(*)::int AS n, min(seq)::int AS lo, max(seq)::int AS hi, count(DISTINCT prev_hash)::int AS links FROM audit_events');
      expect(rows[0]).toEqual({ n: writers * perWriter * 2, lo: 1, hi: writers * perWriter * 2, links: writers * perWriter * 2 });
      expect((await verifyAuditTrail({ db, store: null })).intact).toBe(true);
    } finally {
      await db.end();
    }
  }, 60_000);

  it('lets audited commits through while another holds the chain; the rows wait, are no problem, and are linked gapless', async () => {
    const { db, store } = await freshTrail();
    const holder = await db.connect();
    try {
      await writeEvents(db, 2);
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock(7310946158624403757)'); // a commit linking, descheduled
      // Before migration 1765960000000 each of these commits waited for the holder; now none does.
      const started = performance.now();
      await Promise.all(Array.from({ length: 3 }, (_, w) => recordAudit(db, { actor: `reader:${w}`, action: 'record.read', subjectType: 'record', subjectId: `w-${w}` })));
      const repeatable = await db.connect();
      try { // a REPEATABLE READ transaction leaves its row waiting rather than reading a stale end of the chain
        await repeatable.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
        await recordAudit(repeatable, { actor: 'reader:rr', action: 'record.read', subjectType: 'record', subjectId: 'rr' });
        await repeatable.query('COMMIT');
      } finally {
        repeatable.release();
      }
      expect(performance.now() - started).toBeLessThan(5_000);
      const waiting = await db.query(`SELECT count(*)::int AS n FROM audit_events WHERE seq IS NULL AND prev_hash = 'waiting'`);
      expect(waiting.rows[0].n).toBe(4);
      const unchained: string[] = [];
      await walkChain(db, () => {}, (id) => unchained.push(id)); // as verification reads them, without linking first
      expect(unchained).toEqual([]); // waiting, not slipped in
      await holder.query('COMMIT');

      // The next commit that gets the chain links what waits, then its own row.
      await recordAudit(db, { actor: 'reader:next', action: 'record.read', subjectType: 'record', subjectId: 'next' });
      const { rows } = await db.query('SELECT seq::int, actor FROM audit_events ORDER BY seq');
      expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(rows.at(-1).actor).toBe('reader:next');
      expect((await db.query(`SELECT count(*)::int AS n FROM audit_events WHERE prev_hash = 'waiting'`)).rows[0].n).toBe(0);
      expect(await verifyAuditTrail({ db, store })).toMatchObject({ intact: true, rows: 7, problems: [] });

      // The sweep links a waiting row when no commit comes after it, and cannot be used to rewrite a linked one.
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock(7310946158624403757)');
      await recordAudit(db, { actor: 'reader:last', action: 'record.read', subjectType: 'record', subjectId: 'last' });
      await holder.query('COMMIT');
      expect(await linkWaitingAudit(db)).toBe(1);
      expect(await linkWaitingAudit(db)).toBe(0);
      expect((await db.query(`SELECT seq::int FROM audit_events WHERE actor = 'reader:last'`)).rows[0].seq).toBe(8);
      // Only a waiting row's chain columns may be filled, content unchanged: not a linked row's, nor a waiting row's content.
      await expect(db.query(`UPDATE audit_events SET hash = 'x', prev_hash = 'waiting' WHERE seq = 1`)).rejects.toThrow(/append-only/);
      expect((await verifyAuditTrail({ db, store })).intact).toBe(true);
    } finally {
      holder.release();
      await db.end();
    }
  }, 60_000);

  it('sweeps only after this process committed an audit row: idle, it asks nothing; a row left waiting is linked within a bound', async () => {
    const { db } = await freshTrail();
    const holder = await db.connect();
    let queries = 0;
    // The sweep's own connection, counted: the real pool, every query passed through.
    const counted = { query: (...args: Parameters<Db['query']>) => (queries++, db.query(...args)) } as unknown as Queryable;
    const everyMs = 20;
    const stop = startAuditSweep(counted, { everyMs });
    const idle = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const waiting = async () => (await db.query(`SELECT count(*)::int AS n FROM audit_events WHERE prev_hash = 'waiting'`)).rows[0].n;
    try {
      await idle(25 * everyMs);
      expect(queries).toBe(0); // 25 ticks, nothing written: not one look

      for (const commit of ['alone', 'in a transaction'] as const) {
        await holder.query('BEGIN');
        await holder.query('SELECT pg_advisory_xact_lock(7310946158624403757)'); // another commit holds the chain
        const event = { actor: 'reader:swept', action: 'record.read', subjectType: 'record' as const, subjectId: commit };
        if (commit === 'alone') await recordAudit(db, event);
        else {
          await withTransaction(db, async (tx) => {
            await recordAudit(tx, event);
            await idle(10 * everyMs); // the rest of the transaction's work: the sweep looks meanwhile and finds nothing yet
          });
        }
        expect(await waiting()).toBe(1);
        await holder.query('COMMIT'); // and lets go without linking: only the sweep is left to link the row
        const released = performance.now();
        while ((await waiting()) > 0 && performance.now() - released < 5_000) await idle(everyMs);
        expect(await waiting(), commit).toBe(0);
        expect(performance.now() - released).toBeLessThan(2_000); // a few ticks, and a slow machine's answer

        await idle(5 * everyMs); // the sweep that linked it is done
        const after = queries;
        await idle(25 * everyMs);
        expect(queries, commit).toBe(after); // nothing written since: idle again
      }
      expect((await verifyAuditTrail({ db, store: null })).intact).toBe(true);
    } finally {
      stop();
      holder.release();
      await db.end();
    }
  }, 60_000);

  it('lists events newest first, by subject, actor and time, limited to the units asked for, page by page', async () => {
    const { db } = await freshTrail();
    try {
      // Two real units: audit_events.unit_id refers to units.
      const unitA = await unitRepository.createUnit(db, { code: '000.00.00.A01', name: 'Unit A' });
      const unitB = await unitRepository.createUnit(db, { code: '000.00.00.B01', name: 'Unit B' });
      for (let i = 0; i < 5; i++) {
        await recordAudit(db, { actor: 'user:an', action: 'record.read', subjectType: 'record', subjectId: 'r-1', detail: { i } });
        await db.query(`INSERT INTO audit_events (actor, action, subject_type, subject_id, unit_id) VALUES ('user:bo', 'record.read', 'record', 'r-2', $1)`, [i % 2 ? unitA : unitB]);
      }
      const first = await listAuditEvents(db, { subject: 'r-1', units: null, limit: 2 });
      expect(first.items.map((e) => [e.seq, e.subjectId])).toEqual([[9, 'r-1'], [7, 'r-1']]);
      expect(first.items[0]).toHaveProperty('hash');
      expect(first.items[0]).not.toHaveProperty('prevHash');
      const second = await listAuditEvents(db, { subject: 'r-1', units: null, limit: 2, cursor: first.next! });
      expect(second.items.map((e) => e.seq)).toEqual([5, 3]);
      const last = await listAuditEvents(db, { subject: 'r-1', units: null, limit: 2, cursor: second.next! });
      expect([last.items.map((e) => e.seq), last.next]).toEqual([[1], null]);

      const ofA = await listAuditEvents(db, { units: [unitA], limit: 50 });
      expect(ofA.items.map((e) => [e.actor, e.unitId])).toEqual([['user:bo', unitA], ['user:bo', unitA]]); // no unit-less rows
      const byActor = await listAuditEvents(db, { actor: 'user:an', units: null, to: new Date(Date.now() + 60_000), from: new Date(Date.now() - 60_000), limit: 50 });
      expect(byActor.items).toHaveLength(5);
      expect((await listAuditEvents(db, { units: null, from: new Date(Date.now() + 60_000), limit: 50 })).items).toEqual([]);
    } finally {
      await db.end();
    }
  });

  describe('over HTTP and the CLI', () => {
    let stack: TestStack;
    const sohoa = path.join(repoRoot, 'bin', 'sohoa.js');

    beforeAll(async () => {
      stack = await startTestStack({
        DATABASE_URL: services.postgres.databaseUrl, S3_ENDPOINT: services.s3.endpoint, S3_ACCESS_KEY: services.s3.accessKey, S3_SECRET_KEY: services.s3.secretKey,
      }, { workers: false });
    }, 120_000);
    afterAll(async () => {
      await stack?.stop();
    });

    /** Every answer checked against its route's contract (the OpenAPI document) on the way. */
    const api = async (route: string, init: RequestInit = {}, token = stack.token) => {
      const response = await fetch(`${stack.url}/api/v1${route}`, { ...init, headers: { authorization: `Bearer ${token}` } });
      await expectResponseConforms(init.method ?? 'GET', `/api/v1${route}`, response);
      return response;
    };
    const cli = (args: string[], env: Record<string, string>) =>
      run('node', [sohoa, ...args], { env: { ...process.env, DATA_DIR: stack.dataDir, LOG_LEVEL: 'warn', ...env } }).then((r) => ({ code: 0, ...r }), (err) => err);
    const direct = () => ({ DATABASE_URL: services.postgres.databaseUrl, S3_ENDPOINT: services.s3.endpoint, S3_ACCESS_KEY: services.s3.accessKey, S3_SECRET_KEY: services.s3.secretKey });
    const viaServer = () => ({ DATABASE_URL: '', SOHOA_URL: stack.url, SOHOA_TOKEN: stack.token });

    it('answers intact, then names the edited row (API and both CLI paths), and needs audit:read', async () => {
      const db = stack.runtime.db;
      await writeEvents(db, 4);
      expect((await (await api('/audit/heads', { method: 'POST' })).json()).written).toBe(true);
      const intact = await (await api('/audit/verify')).json();
      expect(intact).toMatchObject({ intact: true, problems: [] });
      expect(intact.storedHead.key).toMatch(/^audit-heads\/\d{20}\.json$/);
      const ok = await cli(['audit', 'verify'], direct());
      expect([ok.code, ok.stdout]).toEqual([0, expect.stringContaining('audit trail intact')]);

      const victim = await rowAt(db, 3);
      await tamper(db, `UPDATE audit_events SET actor = 'user:someone-else' WHERE id = $1`, [victim.id]);
      const broken = await (await api('/audit/verify')).json();
      expect(broken.intact).toBe(false);
      expect(broken.problems[0]).toMatchObject({ kind: 'changed', seq: 3, id: victim.id });
      const bad = await cli(['audit', 'verify'], viaServer()); // the embedded default's path: the server is asked
      expect(bad.code).toBe(1);
      expect(bad.stdout).toContain(`first bad row: row 3 (id ${victim.id}) was changed`);

      // The cron schedule pg-boss keeps (the runtime saves it when its workers start).
      await stack.runtime.queue.schedule('audit.head', AUDIT_HEAD_CRON, {});
      expect((await db.query(`SELECT cron, timezone FROM pgboss.schedule WHERE name = 'audit.head'`)).rows).toEqual([{ cron: AUDIT_HEAD_CRON, timezone: 'UTC' }]);

      const clerk = await createApiToken(db, 'clerk for audit', 'clerk');
      expect((await api('/audit/verify', {}, clerk)).status).toBe(403);
      expect((await api('/audit', {}, clerk)).status).toBe(403);
      const page = await (await api('/audit?actor=user:someone-else&limit=5')).json();
      expect(page.items.map((e: { id: string }) => e.id)).toEqual([victim.id]);
      expect((await api('/audit?cursor=bogus')).status).toBe(422);
      expect((await api('/audit?from=yesterday')).status).toBe(422);
    }, 180_000);
  });
});
