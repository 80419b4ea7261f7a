/**
 * Two corpus seeds, kept apart. The orientation threshold is chosen on the tuning seed (the seed it was
 * first set on by hand); the report runs on the held-out seed, whose pages no setting was fitted to.
 */
import { BENCH_SEED } from '../../samples/src/bench-corpus.ts';

export const TUNING_SEED = BENCH_SEED;
export const REPORT_SEED = 20261216;
