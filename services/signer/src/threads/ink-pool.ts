import { Piscina } from 'piscina';
import { bundleSource } from '@sohoa/shared';
import type { InkAnswer, InkTask } from './ink-thread.ts';

/**
 * Mapping page 1's ink for a visible signature, off the event loop: one piscina thread per process
 * (services/signer/src/threads/ink-thread.ts), started on the first signature and ended after a minute without
 * one, so a process that never signs pays nothing. On Linux the thread can run at a lower CPU priority (nice, per
 * thread), as the OCR threads do (OCR_THREAD_NICE), so signing yields the cores to the API.
 */
let nice = 0;
let pool: Promise<Piscina<InkTask, InkAnswer | null>> | null = null;

/** The niceness of the ink thread from now on (OCR_THREAD_NICE); a thread already running keeps its own. */
export function setInkThreadNice(value: number): void {
  nice = process.platform === 'linux' ? Math.max(0, Math.floor(value)) : 0;
  const old = pool;
  pool = null;
  void old?.then((started) => started.destroy());
}

export async function mapInkInThread(task: InkTask): Promise<InkAnswer | null> {
  // Bundled into plain JavaScript when the pool starts, so the thread carries no TypeScript loader (shared/src/source-bundle.mjs).
  pool ??= bundleSource(new URL('./ink-thread.ts', import.meta.url)).then((taskBundle) => new Piscina<InkTask, InkAnswer | null>({
    filename: new URL('./ink-thread.mjs', import.meta.url).href,
    minThreads: 0,
    maxThreads: 1,
    idleTimeout: 60_000,
    workerData: { nice, taskBundle },
  }));
  return (await pool).run(task);
}
