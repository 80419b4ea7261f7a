import { cpuWindow, memoryOf } from './process-tree.ts';
import type { DossierFile } from './corpus.ts';
import { judgeFlatness, type Flatness } from './flatness.ts';
import { startOneProcess, stopOneProcess } from './single.ts';
import { HotFolderWatch } from './watch.ts';

/**
 * The soak: one `sohoa start` as `npm start` runs it, fed dossiers without a pause (a few always waiting in the
 * queue, as at a busy counter) until a given number of pages has settled, the process's resident memory read after
 * each dossier settles. The same generated dossiers are dropped again under new names: a new name is a new file in
 * the hot folder, so each drop is a new batch that goes through every stage again.
 */

export interface SoakResult {
  pagesWanted: number;
  pages: number;
  archivedPages: number;
  dossiers: number;
  review: number;
  failed: number;
  seconds: number;
  /** sohoa's RSS (MB) after each dossier settled, in order. */
  rssTrail: number[];
  peakProcessMb: number;
  flatness: Flatness | null;
  cpuSeconds: number;
  othersShare: number;
}

/** Dossiers dropped and not yet settled: enough that a worker never waits for the next page. */
const IN_FLIGHT = 3;

export async function runSoak(
  dataDir: string,
  dossiers: DossierFile[],
  pagesWanted: number,
  options: { ocrWorkers: number; env?: Record<string, string>; log: (line: string) => void },
): Promise<SoakResult> {
  const { sohoa, pid, url, token, inbox } = await startOneProcess(dataDir, options);
  let peakProcessMb = 0;
  const sampler = setInterval(() => (peakProcessMb = Math.max(peakProcessMb, memoryOf(pid).processMb)), 500);
  const started = Date.now();
  const cpu = cpuWindow();
  try {
    const watch = new HotFolderWatch(url, token, inbox);
    const rssTrail: number[] = [];
    const inFlight = new Set<string>();
    let dropped = 0;
    let droppedPages = 0;
    let settledPages = 0;
    // Allow a minute a page: a stuck pipeline ends the soak with an error instead of running all night.
    const deadline = started + Math.max(600_000, pagesWanted * 60_000);
    for (;;) {
      while (inFlight.size < IN_FLIGHT && droppedPages < pagesWanted) {
        const source = dossiers[dropped % dossiers.length];
        const name = `soak-${String(dropped + 1).padStart(5, '0')}-${source.name}`;
        await watch.drop(source.file, name, source.pages);
        inFlight.add(name);
        dropped++;
        droppedPages += source.pages;
      }
      await new Promise((r) => setTimeout(r, 1000));
      const oldest = Math.min(...[...inFlight].map((n) => watch.outcomes.get(n)!.droppedAt));
      if (Number.isFinite(oldest)) watch.since = new Date(oldest - 60_000).toISOString();
      await watch.poll().catch(() => undefined); // asked again next second
      if (sohoa.child.exitCode !== null) throw new Error(`sohoa ended: ${sohoa.output().slice(-3000)}`);
      for (const name of [...inFlight]) {
        const outcome = watch.outcomes.get(name)!;
        if (outcome.settledAt === null) continue;
        inFlight.delete(name);
        settledPages += outcome.pages;
        rssTrail.push(Math.round(memoryOf(pid).processMb));
        if (rssTrail.length % 10 === 0 || inFlight.size === 0) {
          options.log(`  soak: ${settledPages} of ${pagesWanted} pages settled, sohoa ${rssTrail.at(-1)} MB (peak ${Math.round(peakProcessMb)} MB), ${cpu.ownSeconds().toFixed(1)} CPU-s so far`);
        }
      }
      if (inFlight.size === 0 && droppedPages >= pagesWanted) break;
      if (Date.now() > deadline) throw new Error(`soak not done in time: ${settledPages} of ${pagesWanted} pages settled`);
    }
    const outcomes = [...watch.outcomes.values()];
    return {
      pagesWanted,
      pages: settledPages,
      archivedPages: outcomes.reduce((s, o) => s + o.archivedPages, 0),
      dossiers: outcomes.length,
      review: outcomes.reduce((s, o) => s + o.review, 0),
      failed: outcomes.reduce((s, o) => s + o.failed, 0),
      seconds: (Date.now() - started) / 1000,
      rssTrail,
      peakProcessMb: Math.round(peakProcessMb),
      flatness: judgeFlatness(rssTrail),
      cpuSeconds: cpu.ownSeconds(),
      othersShare: cpu.othersShare(),
    };
  } finally {
    clearInterval(sampler);
    await stopOneProcess(sohoa);
  }
}
