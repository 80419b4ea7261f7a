import { readdirSync, readFileSync } from 'node:fs';

/**
 * The niceness of each thread of this process, as the kernel has it (Linux: field 19 of /proc/self/task/<tid>/stat;
 * elsewhere an empty list). OCR_THREAD_NICE lowers worker threads one by one, so this is how to see it took hold.
 */
export function threadNiceness(): { tid: number; nice: number }[] {
  if (process.platform !== 'linux') return [];
  const threads: { tid: number; nice: number }[] = [];
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // The name (field 2) may hold spaces and parentheses: fields are counted after its closing one, from field 3.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      threads.push({ tid: Number(tid), nice: Number(fields[16]) });
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return threads;
}
