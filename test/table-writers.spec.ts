import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { migrationTables, sqlStrings, tablesWritten, tableWriters } from './helpers/table-writers.ts';

const repoRoot = path.resolve(import.meta.dirname, '..');

/**
 * One writer per table (the project brief's ../shared/style.md beside the checkout, "one repository per table or aggregate"): every INSERT, UPDATE, DELETE
 * and TRUNCATE of a table sits in one file, its repository, and the other modules call its named operations.
 */
describe('table writers', () => {
  let writers: Map<string, string[]>;
  beforeAll(() => {
    writers = tableWriters(repoRoot);
  });

  it('reads the table written by each kind of statement, not by row locks, reads or comments', () => {
    expect(tablesWritten(`INSERT INTO learned_phrases (a) VALUES ($1) ON CONFLICT (a) DO UPDATE SET weight = learned_phrases.weight + 1`)).toEqual(['learned_phrases']);
    expect(tablesWritten('UPDATE documents SET status = $2 WHERE id = $1')).toEqual(['documents']);
    expect(tablesWritten('UPDATE pgboss.job j SET state = $1')).toEqual(['pgboss.job']);
    expect(tablesWritten('DELETE FROM dossiers d WHERE d.id = $1 AND NOT EXISTS (SELECT 1 FROM batches b)')).toEqual(['dossiers']);
    expect(tablesWritten('TRUNCATE TABLE audit_events')).toEqual(['audit_events']);
    expect(tablesWritten('SELECT 1 FROM batches WHERE id = $1 FOR NO KEY UPDATE')).toEqual([]);
    expect(tablesWritten('SELECT * FROM pages WHERE id = $1 FOR UPDATE OF pages SKIP LOCKED')).toEqual([]);

    const source = "// UPDATE documents SET status = 'x'\nconst q = `UPDATE pages SET role = ${role} WHERE id = $1`;\nconst r = 'INSERT INTO records (id) VALUES ($1)';";
    expect(sqlStrings(source).flatMap((sql) => tablesWritten(sql)).sort()).toEqual(['pages', 'records']);
  });

  it('finds exactly one file writing each table', () => {
    expect(writers.get('documents')).toBeDefined(); // the scan sees the code at all
    const shared = [...writers].filter(([, files]) => files.length > 1).map(([table, files]) => `${table}: ${files.join(', ')}`);
    expect(shared, `tables written from more than one file:\n${shared.join('\n')}`).toEqual([]);
  });

  it('keeps the tables written by several stages in the shared repositories', () => {
    const owners = {
      documents: 'shared/src/repositories/documents.repository.ts',
      batches: 'shared/src/repositories/batches.repository.ts',
      batch_files: 'shared/src/repositories/batches.repository.ts',
      pages: 'shared/src/repositories/batches.repository.ts',
      dossiers: 'shared/src/repositories/dossiers.repository.ts',
      dossier_counters: 'shared/src/repositories/dossiers.repository.ts',
      units: 'shared/src/repositories/units.repository.ts',
      records: 'services/archive-api/src/archive.repository.ts',
      events: 'shared/src/repositories/events.repository.ts', // the outbox: archive-api and matching append, webhooks dispatch
    };
    for (const [table, file] of Object.entries(owners)) expect(writers.get(table), table).toEqual([file]);
  });

  it('has a writer for every table the migrations create', () => {
    const unwritten = migrationTables(repoRoot).filter((table) => !writers.has(table));
    expect(migrationTables(repoRoot)).toContain('documents');
    expect(unwritten, `tables no code writes: ${unwritten.join(', ')}`).toEqual([]);
  });
  it('is the table docs/architecture.md shows: every table written, with its one writer, and no other', () => {
    const doc = readFileSync(path.join(repoRoot, 'docs', 'architecture.md'), 'utf8');
    const section = doc.split(/^## Who writes which table$/m)[1]!.split(/^## /m)[0]!;
    const documented = new Map<string, string>();
    for (const row of section.split('\n').filter((l) => l.startsWith('| `'))) {
      const [tables, writer] = row.split('|').slice(1, 3);
      const file = writer!.match(/`([\w./-]+\.ts)`/)?.[1];
      for (const [, table] of tables!.split('(')[0]!.matchAll(/`([a-z_]+)`/g)) documented.set(table!, file ?? writer!.trim());
    }
    expect(documented.size).toBeGreaterThan(20); // the table was read
    const actual = new Map([...writers].filter(([table]) => !table.includes('.')).map(([table, files]) => [table, files.join(', ')]));
    const wrong = [...actual].filter(([table, file]) => documented.get(table) !== file).map(([table, file]) => `${table}: written by ${file}, docs say ${documented.get(table) ?? 'nothing'}`);
    const stale = [...documented.keys()].filter((table) => !actual.has(table)).map((table) => `${table}: in the docs, written nowhere`);
    expect([...wrong, ...stale]).toEqual([]);
  });
});
