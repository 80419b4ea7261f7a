/** The moments the fault campaign kills sohoa in, and its seeded choice of them (no I/O: fault-phases.spec.ts). */
export const PHASES = ['upload', 'ocr', 'split', 'sign', 'archive'] as const;
export type Phase = (typeof PHASES)[number];

/** mulberry32: a small seeded PRNG, so a run's choices can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Phases in rounds of a fresh shuffle each: every phase is hit, in an order the seed decides. */
export function phaseOrder(kills: number, random: () => number): Phase[] {
  const order: Phase[] = [];
  while (order.length < kills) {
    const round = [...PHASES];
    for (let i = round.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [round[i], round[j]] = [round[j]!, round[i]!];
    }
    order.push(...round);
  }
  return order.slice(0, kills);
}
