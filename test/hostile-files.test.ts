import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHostileCampaign, violations, type CampaignReport } from './helpers/hostile-campaign.ts';
import { HOSTILE_SEED, hostileFiles } from './helpers/hostile-files.ts';
import { repoRoot, startTestStack, type TestStack } from './helpers/stack.ts';

/**
 * The quick subset of `npm run bench:hostile` (bench/hostile/run.ts): one hostile file of each kind, by upload and
 * through the hot folder, mixed with good scans, against the running server. Every bad file quarantined with a
 * reason in words, every good file a record, the server answering /healthz throughout, nothing outside the data folder.
 */
describe('hostile files, one of each kind', () => {
  let stack: TestStack;
  let report: CampaignReport;
  let parentBefore: string[];

  beforeAll(async () => {
    stack = await startTestStack({ OCR_WORKERS: '2' });
    parentBefore = await fs.readdir(path.dirname(stack.dataDir));
    const hostile = await hostileFiles(HOSTILE_SEED, 0);
    const good = [{ name: 'Tờ khai.png', bytes: await fs.readFile(path.join(repoRoot, 'samples', 'scans', 'ks-tokhai-p1.png')) }];
    report = await runHostileCampaign({
      url: stack.url, token: stack.token, db: stack.runtime.db, inboxDir: path.join(stack.dataDir, 'inbox'), unit: '000.00.00.H00',
      hostile, good, batchSize: 20, settleTimeoutMs: 400_000, log: (line) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`),
    });
  }, 600_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('sends every kind, by both ways, with good files among them', () => {
    const kinds = new Set(report.outcomes.map((o) => o.kind.split(':')[0]));
    expect(report.outcomes.filter((o) => o.expect !== 'record').length).toBeGreaterThanOrEqual(19);
    for (const kind of ['jpeg', 'png', 'tiff', 'pdf', 'polyglot', 'empty file']) expect(kinds).toContain(kind);
    expect(new Set(report.outcomes.map((o) => o.route))).toEqual(new Set(['upload', 'hot folder']));
    expect(report.outcomes.filter((o) => o.expect === 'record').length).toBeGreaterThanOrEqual(2);
  });

  it('quarantines every bad file with a reason in words, makes every good file a record, and never stops answering', () => {
    expect(violations(report)).toEqual([]);
    expect(report.health.polls).toBeGreaterThan(10);
  });

  it('wrote nothing beside the data folder, and kept no object key with ".."', async () => {
    // The data folder's parent is the shared temp folder: other processes add to it too, so only names the
    // hostile files carry are looked for.
    const added = (await fs.readdir(path.dirname(stack.dataDir))).filter((name) => !parentBefore.includes(name));
    expect(added.filter((name) => /escape|windows|etc/i.test(name))).toEqual([]);
    const keys = await stack.runtime.store.list('');
    expect(keys.filter((key) => key.split('/').some((part) => part === '..' || part === '.'))).toEqual([]);
  });
});
