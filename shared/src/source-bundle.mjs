import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * TypeScript source as one plain-JavaScript file, so the thread or process that runs it carries no TypeScript loader.
 * A thread that registers tsx and loads its task through it costs about 40 MB resident, against about 9 MB for a
 * plain one: tsx's hooks run in a loader thread of their own with its own V8 heap, and every module passes through
 * esbuild's transform; the main thread of `sohoa start` saved as much (bin/sohoa.js). The workspaces ship
 * TypeScript, so each pool bundles its task when it starts, and bin/sohoa.js the command line (esbuild, ~0.1–0.5 s):
 * our own source (the workspaces' too) goes into the bundle; installed packages stay outside it, imported by absolute
 * URL, so native addons and WebAssembly files load from where they are installed.
 *
 * The bundle is rebuilt from the source at every call, and its file is named by the hash of its own text: nothing
 * can load a bundle older than the source it started with. When bundling fails the answer is null and the caller
 * loads the TypeScript through tsx (a thread through shared/src/thread-task.mjs), slower to start and heavier but
 * running the same code. `SOHOA_THREAD_BUNDLE=0` turns bundling off here, for every caller (all
 * on tsx); `SOHOA_MAIN_BUNDLE=0` only the main thread's (bin/sohoa.js): to measure one against the other.
 *
 * Plain JavaScript itself (types in source-bundle.d.mts): bin/sohoa.js calls it before any loader is registered.
 * @param {URL} source the entry module
 * @param {string} [folder] where bundles are written: a private folder of this user
 * @returns {Promise<string | null>} the bundle's file URL, or null when bundling failed or is turned off
 */
export async function bundleSource(source, folder = defaultFolder()) {
  if (process.env.SOHOA_THREAD_BUNDLE === '0') return null;
  try {
    const esbuild = await import('esbuild');
    pending++;
    try {
      const result = await esbuild.build({
        entryPoints: [fileURLToPath(source)],
        bundle: true,
        format: 'esm',
        platform: 'node',
        target: 'node20',
        write: false,
        logLevel: 'silent',
        plugins: [installedPackagesOutside, ownUrls],
      });
      const text = result.outputFiles[0].text;
      privateFolder(folder);
      const stem = path.basename(source.pathname).replace(/\.[cm]?[jt]s$/, '');
      const file = path.join(folder, `${stem}-${createHash('sha256').update(text).digest('hex').slice(0, 16)}.mjs`);
      // Written whole under another name, then renamed: a thread of another process never reads half a bundle.
      const partial = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
      writeFileSync(partial, text, { mode: 0o600 });
      renameSync(partial, file);
      forgetOldBundles(folder, stem, path.basename(file));
      return pathToFileURL(file).href;
    } finally {
      // esbuild's service is a child process; one that stayed would count in this process tree's memory for nothing.
      if (--pending === 0) await esbuild.stop();
    }
  } catch (error) {
    bundleFailures.push(error instanceof Error ? error.message : String(error));
    return null;
  }
}

let pending = 0;
/** Why bundling failed, for a test or a log to show; the callers fall back to tsx either way. */
export const bundleFailures = [];

function defaultFolder() {
  const user = typeof process.getuid === 'function' ? process.getuid() : 'user';
  return path.join(os.tmpdir(), `sohoa-threads-${user}`);
}

/**
 * Bundles of this task not written for a day go: every pool start writes its bundle again, so a file that old belongs
 * to a source long changed. A thread whose bundle was removed all the same loads its source through tsx.
 */
function forgetOldBundles(folder, stem, current, maxAgeMs = 24 * 3600_000) {
  for (const name of readdirSync(folder)) {
    if (name === current || !name.startsWith(`${stem}-`)) continue;
    try {
      if (Date.now() - statSync(path.join(folder, name)).mtimeMs > maxAgeMs) unlinkSync(path.join(folder, name));
    } catch {
      // removed meanwhile by another process
    }
  }
}

/** The folder holds code this process will run: it must be ours and nobody else may write into it. */
function privateFolder(folder) {
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const stat = lstatSync(folder);
  const mine = typeof process.getuid !== 'function' || stat.uid === process.getuid();
  if (!stat.isDirectory() || !mine || (stat.mode & 0o022) !== 0) throw new Error(`${folder} is not a private folder of this user`);
}

/** Packages from node_modules (and Node's own modules) are imported, not bundled; only our source is bundled. */
/** @type {import('esbuild').Plugin} */
const installedPackagesOutside = {
  name: 'installed-packages-outside',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === 'resolving') return undefined;
      if (isBuiltin(args.path)) return { path: args.path, external: true };
      const found = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'resolving' });
      if (found.errors.length > 0) return { errors: found.errors };
      if (!found.path.split(path.sep).includes('node_modules')) return { path: found.path };
      return { path: pathToFileURL(found.path).href, external: true };
    });
  },
};

/** `import.meta.url` stays the URL of the source file it is written in, so paths built from it still find their files. */
/** @type {import('esbuild').Plugin} */
const ownUrls = {
  name: 'own-urls',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?[jt]s$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta')) return undefined;
      const url = pathToFileURL(args.path).href;
      const contents = text
        // Patterns, not strings: this file is bundled too (bin/sohoa.js), and a string naming import.meta's url would
        // itself be rewritten in the bundle.
        .replace(/\bimport\.meta\.url\b/g, JSON.stringify(url))
        .replace(/\bimport\.meta\.dirname\b/g, JSON.stringify(path.dirname(args.path)))
        .replace(/\bimport\.meta\.filename\b/g, JSON.stringify(args.path));
      return { contents, loader: /\.[cm]?ts$/.test(args.path) ? 'ts' : 'js' };
    });
  },
};
