import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const HERE = new URL('..', import.meta.url).pathname;

describe('the components', () => {
  // The build (vite) strips types without checking them: svelte-check holds the .svelte files and the .ts beside
  // them to the API's shapes in src/api.ts, and to Svelte's accessibility warnings.
  it('type-check, with no warning', async () => {
    const { stdout } = await run('npx', ['svelte-check', '--tsconfig', './tsconfig.json', '--fail-on-warnings', '--output', 'machine'], { cwd: HERE })
      .catch((err: { stdout: string }) => ({ stdout: err.stdout }));
    expect(stdout.split('\n').filter((l) => / (ERROR|WARNING) /.test(l))).toEqual([]);
    expect(stdout).toMatch(/COMPLETED \d+ FILES 0 ERRORS 0 WARNINGS/);
  }, 120_000);
});
