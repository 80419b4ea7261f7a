/**
 * Comments that name a file name one that exists: a path in the repository (services/…, shared/…, src/…, test/…,
 * bench/…, docs/…, or relative to the file), or a bare file name (style.md, queue.test.ts) some file of the repository
 * has. The project brief's notes are not in the repository: a comment citing them says where they are
 * ("../shared/domain.md beside the checkout").
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const SCANNED = ['services', 'shared', 'src', 'infra', 'test', 'bench', 'samples', 'bin'];
// dist/: built bundles (services/web/dist, gitignored), minified code whose strings the scanner would misread as comments.
const SKIPPED_DIRS = new Set(['node_modules', 'data', '.git', 'dist']);

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(path.join(ROOT, dir))) {
    if (SKIPPED_DIRS.has(name)) continue;
    const rel = path.join(dir, name);
    if (statSync(path.join(ROOT, rel)).isDirectory()) walk(rel, out);
    else out.push(rel);
  }
  return out;
}

/** Every comment of a TypeScript or JavaScript file, with its line. */
export function commentsOf(source: string): { line: number; text: string }[] {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, source);
  const out: { line: number; text: string }[] = [];
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === ts.SyntaxKind.SingleLineCommentTrivia || kind === ts.SyntaxKind.MultiLineCommentTrivia) {
      out.push({ line: source.slice(0, scanner.getTokenStart()).split('\n').length, text: scanner.getTokenText() });
    } else if (kind === ts.SyntaxKind.SlashToken || kind === ts.SyntaxKind.SlashEqualsToken) {
      scanner.reScanSlashToken(); // a regular expression literal, not a comment
    } else if (kind === ts.SyntaxKind.CloseBraceToken) {
      scanner.reScanTemplateToken(false); // the rest of a template literal after ${…}, if it is one
    }
  }
  return out;
}

const PATH = /(?<![\w@.:/-])((?:\.{1,2}\/|(?:services|shared|src|test|bench|infra|samples|docs|bin)\/)[\w.\-/]*?\.(?:ts|md|sql|json|ya?ml|mjs|js|sh))(?![\w/-])/g;
const BARE = /(?<![\w@.:/-])([\w-]+(?:\.(?:spec|test|contract|routes|repository|service|job))?\.(?:ts|md|sql))(?![\w/-])/g;

/** The file names a comment cites that are nowhere: `dir` is the commenting file's folder. */
export function missingCitations(comment: string, dir: string, exists: (rel: string) => boolean, hasBasename: (name: string) => boolean): string[] {
  const missing: string[] = [];
  const besideCheckout = /beside the checkout/.test(comment);
  for (const [, cited] of comment.matchAll(PATH)) {
    if (cited!.startsWith('../shared/') && besideCheckout) continue; // the project brief, outside the repository
    if (exists(path.join(dir, cited!)) || exists(cited!)) continue;
    missing.push(cited!);
  }
  for (const [, cited] of comment.matchAll(BARE)) {
    if (besideCheckout && /^(domain|style)\.md$/.test(cited!)) continue;
    if (!hasBasename(cited!)) missing.push(cited!);
  }
  return missing;
}

describe('comments cite files that exist', () => {
  it('reads paths and bare names, and lets the brief be cited beside the checkout', () => {
    const exists = (rel: string) => ['shared/src/queue.ts', 'test/x.spec.ts'].includes(path.normalize(rel));
    const hasBasename = (name: string) => ['queue.ts', 'x.spec.ts'].includes(name);
    expect(missingCitations('// see shared/src/queue.ts and ./x.spec.ts', 'test', exists, hasBasename)).toEqual([]);
    expect(missingCitations('// see shared/src/gone.ts and ../z.ts', 'test', exists, hasBasename)).toEqual(['shared/src/gone.ts', '../z.ts']);
    expect(missingCitations('/* (domain.md, "Retention") */', 'src', exists, hasBasename)).toEqual(['domain.md']);
    expect(missingCitations("/* (../shared/domain.md beside the checkout) */", 'src', exists, hasBasename)).toEqual([]);
    expect(missingCitations('// queue.ts, not vendor/lib.js or express.json or data/credentials.json', 'src', exists, hasBasename)).toEqual([]);
    expect(commentsOf("const re = /a\\/b/; // one\nconst s = `x ${y} // not one`; /* two */").map((c) => c.text)).toEqual(['// one', '/* two */']);
  });

  it('finds no comment naming a file that is not there', () => {
    const files = SCANNED.filter((d) => existsSync(path.join(ROOT, d))).flatMap((d) => walk(d));
    const basenames = new Set([...files, ...walk('docs'), 'README.md'].map((f) => path.basename(f)));
    const exists = (rel: string) => existsSync(path.join(ROOT, rel));
    const sources = files.filter((f) => /\.(ts|mjs|js)$/.test(f));
    expect(sources.length).toBeGreaterThan(200);
    const found = sources.flatMap((file) =>
      commentsOf(readFileSync(path.join(ROOT, file), 'utf8')).flatMap(({ line, text }) =>
        missingCitations(text, path.dirname(file), exists, (name) => basenames.has(name)).map((cited) => `${file}:${line}: ${cited}`)));
    expect(found, `comments cite files that are not in the repository:\n${found.join('\n')}`).toEqual([]);
  });
});
