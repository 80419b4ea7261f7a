import { describe, expect, it } from 'vitest';
import { admits, IntakeFull } from './intake.ts';

describe('admits', () => {
  const settings = { queueLimit: 100, retryAfterSeconds: 30 };
  it('lets every batch in below the limit', () => {
    expect(admits(99, 50, settings)).toBe(true);
  });
  it('at the limit, refuses a unit with work waiting and lets in one with none', () => {
    expect(admits(100, 1, settings)).toBe(false);
    expect(admits(5000, 0, settings)).toBe(true);
  });
  it('says in words how deep the queue is and when to come back', () => {
    const err = new IntakeFull(30, 120, 100);
    expect(err.status).toBe(429);
    expect(err.code).toBe('queue-full');
    expect(err.message).toBe('120 files and pages are waiting to be read (limit 100): send this batch again in 30 s');
  });
});
