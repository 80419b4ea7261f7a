import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unitRepository } from '@sohoa/shared';
import { getJson, repoRoot, startTestStack, uploadBatch, waitForBatch, type TestStack } from './helpers/stack.ts';

const BIG = 12;

/**
 * Issue 13, fairness: one unit's big batch must not hold another unit's small one. Unit A hands in BIG one-page
 * scans, then unit B one; with first-come first-served B's page would be read after all of A's. With fair shares
 * (services/ingest/src/fair-share.ts) B's page is read next, and B's batch is archived while A's pages still wait.
 */
describe('fair shares between units', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ OCR_WORKERS: '2' });
  });
  afterAll(async () => stack?.stop());

  it("archives unit B's small batch while unit A's big batch is still queued", async () => {
    await unitRepository.createUnit(stack.runtime.db, { code: '000.00.00.A01', name: 'UBND xã Bận Rộn' });
    const scan = await fs.readFile(path.join(repoRoot, 'samples', 'scans', 'ks-tokhai-p1.png'));

    const big = await uploadBatch(stack.url, stack.token, { unit: '000.00.00.A01', procedure: 'KS' },
      Array.from({ length: BIG }, (_, i) => ({ name: `to-khai-${i + 1}.png`, bytes: scan })));
    expect(big.status).toBe(202);
    const b = await uploadBatch(stack.url, stack.token, { unit: '000.00.00.H00', procedure: 'KS' }, [{ name: 'to-khai.png', bytes: scan }]);
    expect(b.status).toBe(202);

    const done = await waitForBatch(stack.url, stack.token, b.body.id, 180_000);
    expect(done.status).toBe('done');
    expect(done.documents.some((d: { status: string }) => d.status === 'archived')).toBe(true);

    // When B's page was taken, how many of A's pages were not taken yet (still waiting, or taken after it).
    const { rows: [order] } = await stack.runtime.db.query<{ behind: number; waiting: number }>(
      `WITH b AS (SELECT j.started_on FROM pgboss.job j JOIN pages p ON p.id = (j.data->>'pageId')::uuid
                   WHERE j.name = 'ocr.page' AND p.batch_id = $2)
       SELECT count(*) FILTER (WHERE j.started_on IS NULL OR j.started_on > (SELECT min(started_on) FROM b))::int AS behind,
              count(*) FILTER (WHERE j.state < 'active')::int AS waiting
         FROM pgboss.job j JOIN pages p ON p.id = (j.data->>'pageId')::uuid
        WHERE j.name = 'ocr.page' AND p.batch_id = $1`,
      [big.body.id, b.body.id],
    );
    // First come, first served: 0 (every page of A is taken before B's). Fair shares: all but the one or two read
    // while B's file was being split.
    expect(order!.behind).toBeGreaterThanOrEqual(BIG / 2);
    const { rows: [a] } = await stack.runtime.db.query<{ pending: number }>(`SELECT count(*)::int AS pending FROM pages WHERE batch_id = $1 AND status = 'pending'`, [big.body.id]);
    expect(a!.pending).toBeGreaterThan(0);
    expect((await getJson(`${stack.url}/api/v1/batches/${big.body.id}`, stack.token)).status).not.toBe('done');
  }, 240_000);
});
