import { describe, expect, it } from 'vitest';
import { PHASES, phaseOrder, seededRandom } from './fault-phases.ts';

describe('the fault campaign\'s choice of phases', () => {
  it('hits every phase once in each round of five, in an order the seed decides', () => {
    const order = phaseOrder(12, seededRandom(7));
    expect(order).toHaveLength(12);
    expect(new Set(order.slice(0, 5))).toEqual(new Set(PHASES));
    expect(new Set(order.slice(5, 10))).toEqual(new Set(PHASES));
    expect(phaseOrder(12, seededRandom(7))).toEqual(order);
    expect(phaseOrder(12, seededRandom(8))).not.toEqual(order);
  });

  it('draws numbers in [0, 1) spread over the range', () => {
    const random = seededRandom(20261202);
    const draws = Array.from({ length: 1000 }, random);
    expect(draws.every((d) => d >= 0 && d < 1)).toBe(true);
    expect(draws.filter((d) => d < 0.5).length).toBeGreaterThan(400);
    expect(draws.filter((d) => d < 0.5).length).toBeLessThan(600);
  });
});
