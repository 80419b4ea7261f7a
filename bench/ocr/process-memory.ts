import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * Run a command and sample the resident memory of its whole process tree (OCRmyPDF forks tesseract
 * and unpaper; sohoa runs tesseract in worker threads), the same way for both engines. Also how much
 * CPU the tree used, and how much the rest of the machine used meanwhile: on a shared machine the two
 * engines may not meet the same load, and the report says so.
 */

/** The fields of /proc/PID/stat after the command name (state first), or null once the process has ended. */
export function procStat(pid: number | 'self'): number[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ').map(Number);
  } catch {
    return null; // the process ended between listing and reading
  }
}

/** The process and every descendant alive now. */
export function treePids(root: number): number[] {
  const byParent = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = procStat(Number(entry));
    if (!fields) continue;
    const list = byParent.get(fields[1]) ?? [];
    list.push(Number(entry));
    byParent.set(fields[1], list);
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...(byParent.get(pid) ?? []));
  }
  return out;
}

export function rssKb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

export function treeRssMb(root: number): number {
  return treePids(root).reduce((sum, pid) => sum + rssKb(pid), 0) / 1024;
}

/** Linux reports CPU time in USER_HZ ticks, 100 per second on every architecture it runs on. */
const TICKS_PER_SECOND = 100;

/** CPU ticks the whole machine spent busy (steal included: another guest had the core). */
export function machineBusyTicks(): number {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return user + nice + system + irq + softirq + (steal ?? 0);
}

/** CPU ticks of this process and of its waited-for descendants (a child's tree counts once it has exited). */
function ownTicks(): { self: number; children: number } {
  const f = procStat('self')!;
  return { self: f[11] + f[12], children: f[13] + f[14] };
}

export interface MeasuredRun {
  seconds: number;
  peakRssMb: number;
  exitCode: number;
  stderr: string;
  /** CPU time of the command's process tree. */
  cpuSeconds: number;
  /** Share of all cores that other processes (not this benchmark) used while the command ran: 0 = machine to itself. */
  othersShare: number;
}

export function measure(command: string, args: string[], options: { cwd?: string; intervalMs?: number } = {}): Promise<MeasuredRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const busyBefore = machineBusyTicks();
    const ownBefore = ownTicks();
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let peak = 0;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.length > 2_000_000) stderr = stderr.slice(-1_000_000);
    });
    const timer = setInterval(() => {
      if (child.pid) peak = Math.max(peak, treeRssMb(child.pid));
    }, options.intervalMs ?? 200);
    child.on('error', (error) => {
      clearInterval(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearInterval(timer);
      const seconds = (performance.now() - started) / 1000;
      const own = ownTicks();
      const tree = own.children - ownBefore.children;
      const others = machineBusyTicks() - busyBefore - tree - (own.self - ownBefore.self);
      const capacity = seconds * TICKS_PER_SECOND * os.availableParallelism();
      resolve({
        seconds,
        peakRssMb: Math.round(peak),
        exitCode: code ?? -1,
        stderr,
        cpuSeconds: tree / TICKS_PER_SECOND,
        othersShare: Math.min(1, Math.max(0, others / capacity)),
      });
    });
  });
}
