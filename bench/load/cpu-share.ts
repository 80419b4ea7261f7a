import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * How much of the machine other processes used during a window: busy ticks of the whole machine less those of this
 * process's tree (the server, its embedded PostgreSQL, the load generator). The machine is shared; a reader of the
 * results needs to know how much of it the bench had.
 */

/** Linux reports CPU time in USER_HZ ticks, 100 per second. */
const TICKS_PER_SECOND = 100;

function machineBusyTicks(): number {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return user + nice + system + irq + softirq + (steal ?? 0);
}

/** Each live process's parent and CPU ticks (its own and its waited-for children's). */
function processes(): Map<number, { ppid: number; ticks: number }> {
  const all = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      all.set(Number(entry), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) });
    } catch {
      // ended between listing and reading
    }
  }
  return all;
}

function treeTicks(root: number): number {
  const all = processes();
  const children = new Map<number, number[]>();
  for (const [pid, p] of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), pid]);
  let total = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    total += all.get(pid)?.ticks ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

export interface CpuWindow {
  /** Share of all cores used by processes outside this bench's tree (0 = the machine to itself), and the bench's own. */
  end(): { othersShare: number; ownShare: number; seconds: number };
}

export function cpuWindow(): CpuWindow {
  const started = performance.now();
  const busy = machineBusyTicks();
  const own = treeTicks(process.pid);
  return {
    end() {
      const seconds = (performance.now() - started) / 1000;
      const capacity = seconds * TICKS_PER_SECOND * os.availableParallelism();
      const ownUsed = treeTicks(process.pid) - own;
      const others = machineBusyTicks() - busy - ownUsed;
      return { othersShare: Math.min(1, Math.max(0, others / capacity)), ownShare: Math.min(1, Math.max(0, ownUsed / capacity)), seconds };
    },
  };
}
