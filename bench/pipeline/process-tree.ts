import os from 'node:os';
import { machineBusyTicks, procStat, rssKb, treePids } from '../ocr/process-memory.ts';

/**
 * Resident memory and CPU time of a running process tree (sohoa and the embedded PostgreSQL it started), and the
 * share of the machine other processes used meanwhile: the machine is shared, so the report states that share.
 */

/** Resident memory in MB: of the root process alone (sohoa's Node process, worker threads included) and of its tree. */
export function memoryOf(root: number): { processMb: number; treeMb: number } {
  const pids = treePids(root);
  return { processMb: rssKb(root) / 1024, treeMb: pids.reduce((sum, pid) => sum + rssKb(pid), 0) / 1024 };
}

/** CPU ticks (1/100 s) of a set of process trees: their own and their reaped children's. */
export function treeTicks(roots: number[]): number {
  let total = 0;
  for (const root of roots) {
    for (const pid of treePids(root)) {
      const f = procStat(pid);
      if (f) total += f[11] + f[12] + f[13] + f[14];
    }
  }
  return total;
}

export interface CpuWindow {
  /** Share of all cores used by processes other than this bench and what it started: 0 = machine to itself. */
  othersShare(): number;
  /** CPU seconds of this bench and every process it started (sohoa, its PostgreSQL, OCRmyPDF) since the window opened. */
  ownSeconds(): number;
}

/** Opens a window over the machine's CPU use; a child that ended inside the window counts once it is reaped. */
export function cpuWindow(): CpuWindow {
  const started = performance.now();
  const busy = machineBusyTicks();
  const own = treeTicks([process.pid]);
  return {
    ownSeconds: () => (treeTicks([process.pid]) - own) / 100,
    othersShare: () => {
      const capacity = ((performance.now() - started) / 1000) * 100 * os.availableParallelism();
      const others = machineBusyTicks() - busy - (treeTicks([process.pid]) - own);
      return Math.min(1, Math.max(0, others / capacity));
    },
  };
}
