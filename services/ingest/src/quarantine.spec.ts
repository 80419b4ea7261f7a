import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quarantineFile, quarantineName } from './quarantine.ts';

describe('quarantine', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sohoa-quarantine-'));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('keeps a file with a 244-byte Vietnamese name and its reason, both within the 255-byte name limit', async () => {
    const name = `${'ệ'.repeat(80)}.tif`;
    const kept = await quarantineFile(dir, 'inbox', 1796214157589, name, Buffer.from('bytes'), 'not a scan');
    const names = await fs.readdir(path.join(dir, 'inbox'));
    expect(names.sort()).toEqual([path.basename(kept), `${path.basename(kept)}.reason.txt`]);
    for (const n of names) expect(Buffer.byteLength(n)).toBeLessThanOrEqual(255);
    expect(path.basename(kept)).toMatch(/^1796214157590-ệ+\.tif$/);
    expect(await fs.readFile(kept, 'utf8')).toBe('bytes');
    expect(await fs.readFile(`${kept}.reason.txt`, 'utf8')).toBe('not a scan\n');
  });

  it('names never leave the batch folder', async () => {
    expect(quarantineName(0, '../../etc/passwd')).toBe('1-passwd');
    expect(quarantineName(0, '..')).toBe('1-file');
    const kept = await quarantineFile(dir, '../../escape', 0, '../x', Buffer.from('b'), 'r');
    expect(path.dirname(kept)).toBe(path.join(dir, 'escape'));
  });
});
