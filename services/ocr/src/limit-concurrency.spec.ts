import { describe, expect, it } from 'vitest';
import { limitConcurrency } from './ocr.service.ts';

describe('limitConcurrency', () => {
  it('runs at most the limit at once, starts the rest in arrival order, and frees a place when a task fails', async () => {
    const limited = limitConcurrency(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const task = (n: number) => limited(async () => {
      started.push(n);
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, 5 + (n % 3) * 5));
      running--;
      if (n === 1) throw new Error('page 1 failed');
      return n;
    });
    const results = await Promise.allSettled([0, 1, 2, 3, 4, 5].map(task));
    expect(most).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'failed'))).toEqual([0, 'failed', 2, 3, 4, 5]);
    expect(await limited(async () => 'after')).toBe('after');
  });
});
