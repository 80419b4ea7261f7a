/**
 * Who writes which table: every SQL string in the production code (services/*\/src, shared/src, src, infra),
 * read with the TypeScript parser so comments and identifiers do not count, only string and template literals.
 * A write is INSERT INTO t, UPDATE t … SET, DELETE FROM t or TRUNCATE t; an INSERT … ON CONFLICT DO UPDATE
 * updates the table it inserts into, so the INSERT already names it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOTS = ['shared/src', 'src', 'infra'];
const SKIPPED = /(\.spec\.ts|\.test\.ts|\.d\.ts)$|[/\\](node_modules|testing|test|bench)[/\\]|[/\\]testing\.ts$/;

const WRITES = [
  /\bINSERT\s+INTO\s+([a-z_][a-z0-9_.]*)/gi,
  /\bUPDATE\s+(?!SET\b)([a-z_][a-z0-9_.]*)(?:\s+(?:AS\s+)?(?!SET\b)[a-z_][a-z0-9_]*)?\s+SET\b/gi,
  /\bDELETE\s+FROM\s+(?:ONLY\s+)?([a-z_][a-z0-9_.]*)/gi,
  /\bTRUNCATE\s+(?:TABLE\s+)?(?:ONLY\s+)?([a-z_][a-z0-9_.]*)/gi,
];

export function productionFiles(repo: string): string[] {
  const services = readdirSync(path.join(repo, 'services')).map((s) => path.join('services', s, 'src'));
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(path.join(repo, dir))) {
      const rel = path.join(dir, name);
      if (name === 'node_modules') continue;
      if (statSync(path.join(repo, rel)).isDirectory()) walk(rel);
      else if (rel.endsWith('.ts') && !SKIPPED.test(`/${rel}`)) out.push(rel);
    }
  };
  for (const root of [...services, ...ROOTS]) walk(root);
  return out.sort();
}

/** The text of every string and template literal in a file, a template's ${…} replaced by a placeholder. */
export function sqlStrings(source: string, fileName = 'file.ts'): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) out.push(node.text);
    else if (ts.isTemplateExpression(node)) out.push([node.head.text, ...node.templateSpans.map((s) => `$x ${s.literal.text}`)].join(''));
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

export function tablesWritten(sql: string): string[] {
  const tables = new Set<string>();
  for (const pattern of WRITES) for (const m of sql.matchAll(pattern)) tables.add(m[1]!.toLowerCase());
  return [...tables];
}

/** table → the files that write it. */
export function tableWriters(repo: string): Map<string, string[]> {
  const writers = new Map<string, Set<string>>();
  for (const file of productionFiles(repo)) {
    for (const sql of sqlStrings(readFileSync(path.join(repo, file), 'utf8'), file)) {
      for (const table of tablesWritten(sql)) {
        if (!writers.has(table)) writers.set(table, new Set());
        writers.get(table)!.add(file);
      }
    }
  }
  return new Map([...writers].sort(([a], [b]) => a.localeCompare(b)).map(([t, files]) => [t, [...files].sort()]));
}

/** Tables the migrations create. */
export function migrationTables(repo: string): string[] {
  const dir = path.join(repo, 'shared', 'migrations');
  const tables = new Set<string>();
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.sql'))) {
    for (const m of readFileSync(path.join(dir, name), 'utf8').matchAll(/\bCREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([a-z_][a-z0-9_.]*)/gi)) {
      tables.add(m[1]!.toLowerCase());
    }
  }
  return [...tables].sort();
}
