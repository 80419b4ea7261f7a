import { readdirSync, readFileSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * The niceness of each thread of this process, as the kernel has it (Linux: field 19 of /proc/self/task/<tid>/stat;
 * elsewhere an empty list). OCR_THREAD_NICE lowers worker threads one by one, so this is how to see it took hold.
 */
export function threadNiceness(): { tid: number; name: string; nice: number }[] {
  if (process.platform !== 'linux') return [];
  const threads: { tid: number; name: string; nice: number }[] = [];
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // The name (field 2) may hold spaces and parentheses: fields are counted after its closing one, from field 3.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      threads.push({ tid: Number(tid), name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), nice: Number(fields[16]) });
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return threads;
}

/**
 * Lowers every thread of this process named `name` (its comm) to `nice`, and keeps doing so every `everyMs` for
 * threads started later, until stopped. For threads no JavaScript runs in: libvips starts its workers from libuv's
 * pool, which the main thread created at nice 0, so sharp's pixel work for the OCR threads would otherwise compete
 * with the event loop at full priority. Linux only; elsewhere it does nothing.
 */
export function lowerThreadsNamed(name: string, nice: number, everyMs = 1000): { stop(): void } {
  if (process.platform !== 'linux' || nice <= 0) return { stop() {} };
  const lowered = new Set<number>();
  const sweep = () => {
    let tids: string[];
    try {
      tids = readdirSync('/proc/self/task');
    } catch {
      return;
    }
    const alive = new Set<number>();
    for (const tid of tids) {
      const id = Number(tid);
      alive.add(id);
      if (lowered.has(id)) continue;
      try {
        if (readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim() !== name) continue;
        if (getPriority(id) < nice) setPriority(id, nice); // on Linux a thread id is a valid "process" here
        lowered.add(id);
      } catch {
        // the thread ended meanwhile
      }
    }
    for (const id of lowered) if (!alive.has(id)) lowered.delete(id);
  };
  sweep();
  const timer = setInterval(sweep, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
