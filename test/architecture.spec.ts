/**
 * No import against the flow. Papers go ingest → ocr → matching → signer → archive-api (→ webhooks); shared (and the embedded
 * launcher) sit below, the runtime wiring, HTTP API and CLI (src/) on top. A module may import what this table lists and
 * nothing else; another module only through the entry points its package.json `exports`, never its files.
 * The web UI (services/web) is a top layer of its own: it talks to the server only over the public HTTP API, so it
 * imports no module at all, and nothing imports it (its .svelte components' scripts are held to the same).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

type Module = 'shared' | 'embedded' | 'ingest' | 'ocr' | 'matching' | 'signer' | 'archive-api' | 'webhooks' | 'runtime' | 'web';

/** Where each module lives (its package directory) and what it may import. Upstream first. */
const FLOW: Record<Module, { dir: string; mayImport: Module[] }> = {
  shared: { dir: 'shared', mayImport: [] },
  embedded: { dir: 'infra/embedded', mayImport: [] },
  ingest: { dir: 'services/ingest', mayImport: ['shared'] },
  ocr: { dir: 'services/ocr', mayImport: ['shared', 'ingest'] },
  matching: { dir: 'services/matching', mayImport: ['shared', 'ingest', 'ocr'] },
  signer: { dir: 'services/signer', mayImport: ['shared', 'ingest', 'ocr', 'matching'] },
  'archive-api': { dir: 'services/archive-api', mayImport: ['shared', 'ingest', 'ocr', 'matching', 'signer'] },
  // Events for other systems: the outbox is written below (shared), deliveries are sent from here.
  webhooks: { dir: 'services/webhooks', mayImport: ['shared', 'ingest', 'ocr', 'matching', 'signer', 'archive-api'] },
  runtime: { dir: 'src', mayImport: ['shared', 'embedded', 'ingest', 'ocr', 'matching', 'signer', 'archive-api', 'webhooks'] },
  // The browser's app: /api/v1 over HTTP is all it knows of the server.
  web: { dir: 'services/web', mayImport: [] },
};

/** Generated scans with their truth: test data, so specs of any module may use it, production code never. */
const TEST_DATA_PACKAGE = '@sohoa/samples';

const MODULES = Object.keys(FLOW) as Module[];

interface Package { module: Module; name: string; exports: string[] }

function packageOf(module: Module): Package | null {
  if (module === 'runtime') return null; // the root package: nobody imports it
  const json = JSON.parse(readFileSync(join(ROOT, FLOW[module].dir, 'package.json'), 'utf8')) as { name: string; exports: Record<string, string> };
  return { module, name: json.name, exports: Object.keys(json.exports) };
}

const PACKAGES = MODULES.map(packageOf).filter((p): p is Package => p !== null);

/** The module a repository path (relative to the root, '/'-separated) belongs to, or null outside every module. */
function moduleAt(path: string): Module | null {
  return MODULES.find((m) => path === FLOW[m].dir || path.startsWith(`${FLOW[m].dir}/`)) ?? null;
}

interface SourceFile { path: string; text: string }

/** Every way `file` breaks the rules, in words. Pure: tested below on made-up files as well as on the tree. */
function violations(file: SourceFile): string[] {
  const from = moduleAt(file.path);
  if (!from) return [`${file.path}: in no module of the flow table (add its package to FLOW in test/architecture.spec.ts)`];
  const isSpec = /\.(spec|test)\.ts$/.test(file.path);
  // Fixtures (test PKI, OCSP responder, TSA, rendered pages) live in each package's src/testing/, exported as
  // '@sohoa/<name>/testing': specs and other fixtures may use them, production code never.
  const isTestCode = isSpec || /\/src\/testing\//.test(file.path);
  const against = (to: Module) => to !== from && !FLOW[from].mayImport.includes(to);
  const found: string[] = [];
  // A Svelte component's imports are in its <script> blocks.
  const code = file.path.endsWith('.svelte') ? [...file.text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n') : file.text;
  for (const { fileName: specifier } of ts.preProcessFile(code, true, true).importedFiles) {
    if (specifier.startsWith('.')) {
      const target = relative(ROOT, resolve(ROOT, dirname(file.path), specifier)).split(sep).join('/');
      const to = moduleAt(target);
      if (to !== from) found.push(`${file.path}: '${specifier}' reaches into ${to ?? target}'s files; import a package entry point instead`);
      else if (!isTestCode && /\/src\/testing(\/|\.ts$)/.test(target)) found.push(`${file.path}: '${specifier}' is a test fixture, for specs only`);
      continue;
    }
    if (specifier === TEST_DATA_PACKAGE || specifier.startsWith(`${TEST_DATA_PACKAGE}/`)) {
      if (!isSpec) found.push(`${file.path}: '${specifier}' is test data, for specs only`);
      continue;
    }
    if (!specifier.startsWith('@sohoa/')) continue; // node: and npm packages
    const pkg = PACKAGES.find((p) => specifier === p.name || specifier.startsWith(`${p.name}/`));
    if (!pkg) {
      found.push(`${file.path}: '${specifier}' is no package of the flow table`);
      continue;
    }
    const entry = `.${specifier.slice(pkg.name.length)}`;
    if (entry === './testing' && !isTestCode) found.push(`${file.path}: '${specifier}' is a test fixture, for specs only`);
    if (!pkg.exports.includes(entry)) found.push(`${file.path}: '${specifier}' is not an entry point of ${pkg.name} (exports: ${pkg.exports.join(', ')})`);
    if (against(pkg.module)) found.push(`${file.path}: ${from} imports ${pkg.module}, against the flow (${from} may import: ${FLOW[from].mayImport.join(', ') || 'nothing'})`);
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  const abs = join(ROOT, dir);
  return readdirSync(abs).flatMap((name) => {
    if (name === 'node_modules') return [];
    const path = `${dir}/${name}`;
    if (statSync(join(ROOT, path)).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') || name.endsWith('.svelte') ? [path] : [];
  });
}

function scannedFiles(): SourceFile[] {
  const services = readdirSync(join(ROOT, 'services')).map((s) => `services/${s}/src`);
  return [...services, 'shared/src', 'infra', 'src'].flatMap(sourceFiles).map((path) => ({ path, text: readFileSync(join(ROOT, path), 'utf8') }));
}

describe('imports follow the flow', () => {
  it('every .ts file under services/*/src, shared/src, infra and src imports only upstream, through entry points', () => {
    const files = scannedFiles();
    expect(files.length).toBeGreaterThan(100);
    expect(files.flatMap(violations)).toEqual([]);
  });

  it('no package.json of a module depends on a module downstream of it', () => {
    const found = PACKAGES.flatMap((pkg) => {
      const json = JSON.parse(readFileSync(join(ROOT, FLOW[pkg.module].dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
      return Object.keys(json.dependencies ?? {})
        .map((name) => PACKAGES.find((p) => p.name === name))
        .filter((to): to is Package => !!to && !FLOW[pkg.module].mayImport.includes(to.module))
        .map((to) => `${pkg.name} depends on ${to.name}`);
    });
    expect(found).toEqual([]);
  });

  it('catches an import against the flow, into another module\'s files, past its exports, and test data or fixtures in production', () => {
    const file = (path: string, text: string) => violations({ path, text });
    expect(file('services/ocr/src/jobs/page.job.ts', "import { decodeCodes } from '@sohoa/matching';")).toEqual([
      "services/ocr/src/jobs/page.job.ts: ocr imports matching, against the flow (ocr may import: shared, ingest)",
    ]);
    expect(file('services/ingest/src/a.ts', "const m = await import('@sohoa/signer');")).toHaveLength(1);
    expect(file('shared/src/a.ts', "export * from '@sohoa/ingest';")).toHaveLength(1);
    expect(file('services/signer/src/a.ts', "import { x } from '../../matching/src/split.ts';")).toEqual([
      "services/signer/src/a.ts: '../../matching/src/split.ts' reaches into matching's files; import a package entry point instead",
    ]);
    expect(file('services/archive-api/src/a.ts', "import { x } from '@sohoa/matching/src/split.ts';")[0]).toMatch(/not an entry point of @sohoa\/matching/);
    expect(file('services/ocr/src/a.ts', "import { CLEAN } from '@sohoa/samples';")).toHaveLength(1);
    expect(file('services/ocr/src/a.spec.ts', "import { CLEAN } from '@sohoa/samples';")).toEqual([]);
    expect(file('services/archive-api/src/a.ts', "import { startTestTsa } from '@sohoa/signer/testing';")).toEqual([
      "services/archive-api/src/a.ts: '@sohoa/signer/testing' is a test fixture, for specs only",
    ]);
    expect(file('services/signer/src/a.ts', "import { createTestPki } from './testing/pki.ts';")[0]).toMatch(/test fixture/);
    expect(file('services/signer/src/a.spec.ts', "import { createTestPki } from './testing/index.ts';")).toEqual([]);
    expect(file('services/signer/src/testing/tsa.ts', "import { subtle } from '../crypto-engine.ts';")).toEqual([]);
    expect(file('services/reader/src/a.ts', "import x from 'sharp';")[0]).toMatch(/in no module of the flow table/);
    // Allowed: upstream through an entry point, its own files, a comment or a string that looks like an import.
    expect(file('services/matching/src/a.ts', "import { decodeCodes } from '@sohoa/ocr';\nimport { y } from './split.ts';\n// import '@sohoa/signer'\nconst s = \"from '@sohoa/signer'\";")).toEqual([]);
    expect(file('src/a.ts', "import { splitBatchJob } from '@sohoa/matching/jobs';")).toEqual([]);
    // The web UI imports no server code, not even shared: only the HTTP API.
    expect(file('services/web/src/api.ts', "import { permissions } from '@sohoa/shared';")[0]).toMatch(/web imports shared, against the flow/);
    expect(file('services/web/src/App.svelte', "<script lang=\"ts\">\nimport { x } from '../../../src/http/acting.ts';\n</script>\n<p>hi</p>")[0]).toMatch(/reaches into runtime's files/);
    expect(file('services/web/src/App.svelte', "<script lang=\"ts\">import { mount } from 'svelte';\nimport Today from './screens/Today.svelte';</script>")).toEqual([]);
    expect(file('src/http/a.ts', "import { t } from '@sohoa/web';").join('\n')).toMatch(/runtime imports web, against the flow/);
  });
});

describe('one decision, one place', () => {
  it('cuts a batch into documents with documentsFromPages alone: in the split job, sohoa match and bench:match', () => {
    const callers = ['services/matching/src/jobs/split.job.ts', 'src/commands/match.ts', 'bench/match/run.ts'];
    for (const file of callers) expect(readFileSync(join(ROOT, file), 'utf8'), file).toMatch(/\bdocumentsFromPages\(/);
    // Outside @sohoa/matching nobody splits or matches a batch on its own (the clerk's re-match is matching's own service).
    const outside = [...readdirSync(join(ROOT, 'services')).filter((s) => s !== 'matching').map((s) => `services/${s}/src`), 'src', 'bench', 'shared/src']
      .flatMap(sourceFiles)
      .filter((path) => /\b(splitBatch|matchDocument)\(/.test(readFileSync(join(ROOT, path), 'utf8')));
    expect(outside).toEqual([]);
  });
});
