import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepSpool } from './upload-spool.ts';

describe('the upload spool', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sohoa-spool-'));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('sweeps what a killed process left, not an upload in flight', async () => {
    const left = path.join(dir, 'left.part');
    const inFlight = path.join(dir, 'in-flight.part');
    await fs.writeFile(left, 'half an upload');
    await fs.writeFile(inFlight, 'being written');
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await fs.utimes(left, twoHoursAgo, twoHoursAgo);
    await sweepSpool(dir);
    expect(await fs.readdir(dir)).toEqual(['in-flight.part']);
    await sweepSpool(path.join(dir, 'never-made')); // no spool yet: nothing to do
  });
});
