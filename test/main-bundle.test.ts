/**
 * With SOHOA_MAIN_BUNDLE=1, `sohoa start` and `sohoa worker` run from one plain-JavaScript bundle of the source
 * (bin/main-bundle.js), not through tsx, whose loader thread and transforms cost the server about 55 MB resident.
 * The bundle must run without any TypeScript loader, commands loaded on demand included. Without the setting (the
 * default, until the CPU it cost in the pipeline bench is understood) tsx loads the source.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript beside bin/sohoa.js, without a declaration file
import { mainBundle } from '../bin/main-bundle.js';

const entry = new URL('../src/cli.ts', import.meta.url);
const run = (file: string, args: string[]) => spawnSync(process.execPath, [file, ...args], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' }, timeout: 60_000 });

describe('the server run from a bundle of its source', () => {
  const saved = process.env.SOHOA_MAIN_BUNDLE;
  afterEach(() => {
    if (saved === undefined) delete process.env.SOHOA_MAIN_BUNDLE;
    else process.env.SOHOA_MAIN_BUNDLE = saved;
  });

  it('is plain JavaScript that runs with no TypeScript loader, a command loaded on demand included', async () => {
    process.env.SOHOA_MAIN_BUNDLE = '1';
    const bundle: string | null = await mainBundle(entry);
    expect(bundle).toMatch(/^file:.*\/cli-[0-9a-f]{16}\.mjs$/);
    const file = fileURLToPath(bundle!);
    expect(readFileSync(file, 'utf8')).not.toMatch(/from ["'][^"']*\.ts["']|import\(["'][^"']*\.ts["']\)/);
    const help = run(file, ['help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('sohoa start');
    // `verify` imports its command module when it runs: a usage error from it shows that module is in the bundle.
    const verify = run(file, ['verify']);
    expect(verify.stderr).toContain('usage: sohoa verify');
    expect(verify.status).toBe(2);
  }, 120_000);

  it('is not made without SOHOA_MAIN_BUNDLE=1, and bin/sohoa.js then runs the source through tsx', async () => {
    delete process.env.SOHOA_MAIN_BUNDLE;
    expect(await mainBundle(entry)).toBeNull();
    process.env.SOHOA_MAIN_BUNDLE = '0';
    expect(await mainBundle(entry)).toBeNull();
    const viaTsx = spawnSync(process.execPath, [fileURLToPath(new URL('../bin/sohoa.js', import.meta.url)), 'help'], { encoding: 'utf8', timeout: 60_000 });
    expect(viaTsx.stdout).toContain('sohoa start');
  }, 120_000);
});
