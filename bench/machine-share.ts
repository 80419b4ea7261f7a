/**
 * Whether a run's machine was shared: the benches report the share of all cores other processes used, and their
 * reports call the machine shared or quiet by it, never by habit (bench/results.spec.ts holds them to it).
 */

/** Other processes' share of all cores below which a run's machine is called quiet. */
export const QUIET_BELOW = 0.05;

/** Quiet when every share measured is below QUIET_BELOW; a run that measured none is not called quiet. */
export const wasQuiet = (shares: number[]): boolean => shares.length > 0 && shares.every((share) => share < QUIET_BELOW);
