import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { settledInboxFiles } from './inbox.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'inbox-walk-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `relative` under the hot folder, last written `ageMs` ago. */
function file(relative: string, ageMs: number): string {
  const full = path.join(dir, relative);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, 'scan');
  const at = new Date(Date.now() - ageMs);
  utimesSync(full, at, at);
  return full;
}

describe('the walk of the hot folder that takes what its watcher missed', () => {
  it('finds the settled scans where a scanner writes, and none still being written, hidden, linked or out of place', async () => {
    const settled = [file('000.00.00.H00/a.jpg', 5000), file('000.00.00.H00/CT/b.tif', 5000)];
    file('000.00.00.H00/CT/writing.tif', 100); // written 0.1 s ago: the scanner may still be at it
    file('000.00.00.H00/.partial/c.tif', 5000); // dot names are partial uploads by convention
    file('000.00.00.H00/.d.tif', 5000);
    file('loose.tif', 5000); // not under a unit's folder
    file('000.00.00.H00/CT/deeper/e.tif', 5000); // below <unit>/<procedure>/
    symlinkSync('/etc/hostname', path.join(dir, '000.00.00.H00', 'link.tif')); // a link could point anywhere
    expect((await settledInboxFiles(dir, 1000)).sort()).toEqual(settled.sort());
  });

  it('answers nothing for a hot folder that is not there (yet)', async () => {
    expect(await settledInboxFiles(path.join(dir, 'missing'), 1000)).toEqual([]);
  });
});
