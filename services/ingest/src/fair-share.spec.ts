import { describe, expect, it } from 'vitest';
import { fairPriority } from './fair-share.ts';

describe('fairPriority', () => {
  it("puts a unit with nothing waiting first, and each unit's jobs in their order behind its own backlog", () => {
    const bigUnit = Array.from({ length: 500 }, (_, i) => fairPriority(0, i));
    const smallUnit = fairPriority(0, 0);
    // pg-boss fetches the highest priority first: the small unit's job beats all but the big unit's first.
    expect(bigUnit.filter((p) => p >= smallUnit)).toHaveLength(1);
    expect(fairPriority(300, 0)).toBeLessThan(fairPriority(299, 0));
    expect(fairPriority(3, 2)).toBe(-5);
  });
});
