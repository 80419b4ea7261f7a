/**
 * `npm run bench`: every `bench:*` script in package.json, one after the other (benchmarks must not
 * share the machine), stopping at none: a failing bench is reported and the others still run.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const scripts = Object.keys((JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {})
  .filter((name) => name.startsWith('bench:'))
  .sort();
const failed: string[] = [];
for (const name of scripts) {
  console.log(`\n=== npm run ${name}`);
  const result = spawnSync('npm', ['run', name], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) failed.push(name);
}
if (!scripts.length) console.log('no bench:* scripts in package.json');
if (failed.length) {
  console.error(`failed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
