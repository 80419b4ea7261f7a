/**
 * How many page tasks the page threads run at once, by the process's resident memory. A page in a page thread holds
 * 100–150 MB while it is cleaned or its codes read (its rasters, libvips' buffers, the code reader's WebAssembly),
 * and two such pages at once, beside the recognizers and the main heap, made the one-process default's peaks
 * (bench/results/pipeline.md, "Memory: what each option did"). Below `boundMb` every thread works; at or above it
 * a task waits until no other page task runs, so the peak is about the bound plus one page. Cores are not left idle
 * for it: in steady state two pages are being recognized and one cleaned, so a second page task at once is the
 * exception (the next page's cleanup beside a page's code reading) that this gate delays.
 */
export interface MemoryGate {
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Tasks that waited for the memory bound, not for a free thread, for a test or a log. */
  readonly heldBack: number;
}

/** `residentMb`: the process's resident memory now; `boundMb` 0 lets every thread work at any memory. */
export function memoryGate(threads: number, boundMb: number, residentMb: () => number = () => process.memoryUsage.rss() / 2 ** 20): MemoryGate {
  let running = 0;
  let heldBack = 0;
  const waiting: (() => void)[] = [];
  const admits = () => running === 0 || (running < threads && (boundMb <= 0 || residentMb() < boundMb));
  const wake = () => {
    while (waiting.length > 0 && admits()) {
      running++;
      waiting.shift()!();
    }
  };
  return {
    get heldBack() {
      return heldBack;
    },
    async run(task) {
      if (waiting.length === 0 && admits()) running++;
      else {
        if (running < threads) heldBack++;
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
      try {
        return await task();
      } finally {
        running--;
        wake();
      }
    },
  };
}
