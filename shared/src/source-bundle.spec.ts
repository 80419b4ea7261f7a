import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleFailures, bundleSource } from './source-bundle.mjs';

// Inside the package, as a pool's task is: its imports of packages resolve, and its .ts files are ES modules.
const work = mkdtempSync(path.join(import.meta.dirname, '.source-bundle-spec-'));
const folder = mkdtempSync(path.join(os.tmpdir(), 'thread-bundles-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(folder, { recursive: true, force: true });
});

/** Starts a thread on `entry` (a module URL) with `workerData`, and answers what `call` computed from the loaded module. */
function inThread(entry: string, call: string, workerData: object = {}): Promise<unknown> {
  const code = `import { parentPort } from 'node:worker_threads';
    const m = await import(${JSON.stringify(entry)});
    parentPort.postMessage(await (${call})(m));`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(code, { eval: true, workerData });
    worker.once('message', (answer) => void worker.terminate().then(() => resolve(answer)));
    worker.once('error', reject);
  });
}

/** A task in TypeScript in a folder of its own: an entry that imports a second module of ours and a package (sharp). */
function writeTask(word: string): URL {
  writeFileSync(path.join(work, 'word.ts'), `export const word: string = ${JSON.stringify(word)};\n`);
  writeFileSync(
    path.join(work, 'task.ts'),
    `import sharp from 'sharp';\nimport { word } from './word.ts';\n` +
      `export default (): { word: string; url: string; sharp: boolean } => ({ word, url: import.meta.url, sharp: typeof sharp === 'function' });\n`,
  );
  return pathToFileURL(path.join(work, 'task.ts'));
}

describe('worker-thread tasks bundled into plain JavaScript', () => {
  it('runs the source as it is when the pool starts, never an older bundle, with its own import.meta.url', async () => {
    const task = writeTask('one');
    const first = await bundleSource(task, folder);
    expect(first, bundleFailures.join('; ')).toMatch(/^file:.*task-[0-9a-f]{16}\.mjs$/);
    expect(await inThread(first!, '(m) => m.default()')).toEqual({ word: 'one', url: task.href, sharp: true });

    writeTask('two'); // the imported module changes, not the entry
    const second = await bundleSource(task, folder);
    expect(second).not.toBe(first);
    expect(await inThread(second!, '(m) => m.default()')).toEqual({ word: 'two', url: task.href, sharp: true });
  });

  it('answers null when the source does not build, and the entry then loads the TypeScript through tsx', async () => {
    writeFileSync(path.join(work, 'broken.ts'), 'export default ( => 1;\n');
    expect(await bundleSource(pathToFileURL(path.join(work, 'broken.ts')), folder)).toBeNull();
    const task = writeTask('three');
    const loader = new URL('./thread-task.mjs', import.meta.url).href;
    const loaded = await inThread(loader, `async (m) => (await m.loadThreadTask(${JSON.stringify(task.href)})).default()`, { taskBundle: null });
    expect(loaded).toEqual({ word: 'three', url: task.href, sharp: true });
  });

  it("forgets a task's bundles not written for a day, and a thread whose bundle is gone loads the source", async () => {
    const task = writeTask('four');
    const old = await bundleSource(task, folder);
    const dayAgo = new Date(Date.now() - 25 * 3600_000);
    utimesSync(fileURLToPath(old!), dayAgo, dayAgo);
    writeTask('five');
    const fresh = await bundleSource(task, folder);
    expect(existsSync(fileURLToPath(old!))).toBe(false);
    expect(existsSync(fileURLToPath(fresh!))).toBe(true);
    const loader = new URL('./thread-task.mjs', import.meta.url).href;
    const loaded = await inThread(loader, `async (m) => (await m.loadThreadTask(${JSON.stringify(task.href)})).default()`, { taskBundle: old });
    expect(loaded).toEqual({ word: 'five', url: task.href, sharp: true });
  });

  it("bundles every pool's task, and each bundle starts in a thread with the exports its entry uses", async () => {
    const tasks: [string, string][] = [
      ['../../services/ocr/src/threads/page-thread.ts', 'default'],
      ['../../services/ocr/src/pdf/pdf-thread.ts', 'default'],
      ['../../services/signer/src/threads/ink-thread.ts', 'default'],
      ['../../services/signer/src/threads/sign-thread.ts', 'default'],
      ['../../services/ingest/src/scan-reader.ts', 'readScan'],
    ];
    for (const [source, name] of tasks) {
      const bundle = await bundleSource(new URL(source, import.meta.url), folder);
      expect(bundle, `${source}: ${bundleFailures.join('; ')}`).not.toBeNull();
      expect(await inThread(bundle!, `(m) => typeof m[${JSON.stringify(name)}]`), source).toBe('function');
    }
  });

  it('bundled itself (as bin/sohoa.js runs it inside the command line), still gives each bundle its source\'s import.meta.url', async () => {
    const bundler = await bundleSource(new URL('./source-bundle.mjs', import.meta.url), folder);
    expect(bundler, bundleFailures.join('; ')).not.toBeNull();
    const { bundleSource: bundledBundler } = (await import(bundler!)) as typeof import('./source-bundle.mjs');
    const task = writeTask('six');
    const bundle = await bundledBundler(task, folder);
    expect(bundle).not.toBeNull();
    expect(await inThread(bundle!, '(m) => m.default()')).toEqual({ word: 'six', url: task.href, sharp: true });
  });
});
