import os from 'node:os';
import type { Worker as ThreadWorker } from 'node:worker_threads';
import Tesseract from 'tesseract.js';
import { OcrError } from '../errors.ts';
import { languageFolder, languagePath, type LanguagePath } from './languages.ts';

/**
 * A fixed set of tesseract.js workers, one page at a time each. Pages queue first come, first served.
 * A worker is recycled (terminated, recreated) after a number of pages because the WASM heap only
 * grows, and replaced whenever it failed or was abandoned, so one bad page cannot poison the next.
 * Orientation detection (the legacy engine) has one worker for the whole pool, started on the first
 * sideways page: few pages need it, and a WASM heap per slot for it cost memory for nothing. For the same
 * reason it is retired once no detection has come for `osdIdleMs`, and started again by the next one.
 */

const { createWorker, OEM, PSM } = Tesseract;

export interface PoolOptions {
  workers?: number;
  recycleAfterPages?: number;
  languages?: string[];
  /** Extra tesseract parameters set on every recognizer (e.g. `tessedit_do_invert: '0'`). */
  parameters?: Record<string, string>;
  /** Niceness of the tesseract threads (Linux, per thread); 0 or absent: as the process. */
  threadNice?: number;
  /** The orientation worker is retired after this long without a detection (its ~60 MB heap); default 10 s. */
  osdIdleMs?: number;
}

/** Long enough for the sideways pages of one batch to share a worker (it takes ~0.3 s to start), short enough that an idle process gives its heap back. */
const OSD_IDLE_MS = 10_000;

/** What a page task may ask of the worker slot it holds. */
export interface TesseractSession {
  recognize(image: Buffer, dpi: number, output?: Partial<Tesseract.OutputFormats>): Promise<Tesseract.Page>;
  /** Orientation and script detection (legacy engine, one worker shared by the pool, created on first use). */
  detect(image: Buffer, dpi: number): Promise<Tesseract.DetectData>;
}


interface Slot {
  recognizer: Tesseract.Worker | null;
  pages: number;
  /** Rejected when the worker thread dies, so a job waiting on it fails instead of hanging. */
  crashed: Promise<never>;
  crash: (error: Error) => void;
  broken: boolean;
}

/** What the pool has done so far, for tests and diagnostics. */
export interface PoolStats {
  /** Recognizer workers created (start-up, and after every replacement, lazily). */
  workersStarted: number;
  /** Slots replaced because they had served `recycleAfterPages` pages. */
  recycled: number;
  /** Slots replaced because their worker failed, crashed or was abandoned. */
  replacedBroken: number;
  /** Orientation workers created (the pool shares one; a new one after it failed, was recycled or sat idle). */
  osdStarted: number;
  /** Orientation workers retired because no detection came for `osdIdleMs`. */
  osdRetiredIdle: number;
}

/** The pool's one orientation worker, one detection at a time, replaced like a slot's recognizer. */
interface SharedOsd {
  worker: Promise<Tesseract.Worker>;
  detections: number;
  /** Rejected when its thread dies, so the detection waiting on it fails instead of hanging. */
  crashed: Promise<never>;
  crash: (error: Error) => void;
  broken: boolean;
}

interface Waiter {
  resolve: (slot: Slot) => void;
  reject: (error: Error) => void;
}

const baseOptions: Partial<Tesseract.WorkerOptions> = {
  gzip: true,
  cacheMethod: 'none', // never write traineddata next to the process (the repo)
  // Without a handler tesseract.js rethrows a failed job inside its message listener: an uncaught
  // exception that would take the whole process down. The job's promise still rejects.
  errorHandler: () => {},
  logger: () => {},
};

/**
 * tesseract.js starts its worker with `new Worker(workerPath)` and nothing else, so the niceness travels in the
 * wrapper's query; Node keeps a query only for a module imported by URL, hence the one-line data: module.
 */
function nicedWorkerPath(nice: number): URL {
  const wrapper = new URL(`./niced-thread.mjs?nice=${nice}`, import.meta.url).href;
  return new URL(`data:text/javascript,import ${encodeURIComponent(JSON.stringify(wrapper))};`);
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

function newSlot(): Slot {
  let crash: (error: Error) => void = () => {};
  const crashed = new Promise<never>((_, reject) => {
    crash = reject;
  });
  crashed.catch(() => {}); // observed only while a job runs
  return { recognizer: null, pages: 0, crashed, crash, broken: false };
}

function watchThread(slot: Pick<Slot, 'broken' | 'crash'>, worker: Tesseract.Worker): void {
  const thread = (worker as unknown as { worker?: ThreadWorker }).worker;
  if (!thread || typeof thread.on !== 'function') return;
  thread.on('error', (error) => {
    slot.broken = true;
    slot.crash(new OcrError(`tesseract worker crashed: ${describe(error)}`, { cause: error }));
  });
  thread.on('exit', (code) => {
    if (slot.broken) return;
    slot.broken = true;
    slot.crash(new OcrError(`tesseract worker exited (code ${code})`));
  });
}

export class TesseractPool {
  private readonly size: number;
  private readonly recycleAfter: number;
  private readonly languages: string[];
  private readonly parameters: Record<string, string>;
  private readonly workerOptions: Partial<Tesseract.WorkerOptions>;
  private readonly idle: Slot[] = [];
  private readonly waiting: Waiter[] = [];
  private readonly all = new Set<Slot>();
  private closed = false;
  private joinedPath: Promise<LanguagePath> | null = null;
  private readonly counts: PoolStats = { workersStarted: 0, recycled: 0, replacedBroken: 0, osdStarted: 0, osdRetiredIdle: 0 };
  private osd: SharedOsd | null = null;
  private readonly osdIdleMs: number;
  /** Detections asked for and not answered yet; the idle timer runs only at zero. */
  private osdPending = 0;
  private osdIdleTimer: NodeJS.Timeout | undefined;
  /** Detections queue here: set the resolution, then detect, with no other slot's call in between. */
  private osdTurn: Promise<unknown> = Promise.resolve();

  constructor(options: PoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.workers ?? os.availableParallelism()));
    this.recycleAfter = Math.max(1, Math.floor(options.recycleAfterPages ?? 50));
    // Vietnamese alone: its model already covers Latin letters and digits, and adding English let the
    // recognizer prefer undecorated English readings ("CHUNG" for "CHỨNG") and cost ~25% more time.
    this.languages = options.languages?.length ? options.languages : ['vie'];
    this.parameters = options.parameters ?? {};
    this.osdIdleMs = Math.max(0, options.osdIdleMs ?? OSD_IDLE_MS);
    const nice = Math.floor(options.threadNice ?? 0);
    // tesseract.js types workerPath as a string; a URL object reaches `new Worker` as it is.
    this.workerOptions = nice > 0 && process.platform === 'linux' ? { ...baseOptions, workerPath: nicedWorkerPath(nice) as unknown as string } : baseOptions;
    for (const lang of this.languages) languageFolder(lang); // fail fast on a missing package
  }

  /** Start every worker now, so a broken installation fails at start-up rather than on a page. */
  async start(): Promise<void> {
    const slots = Array.from({ length: this.size }, newSlot);
    try {
      await Promise.all(slots.map((slot) => this.ensureRecognizer(slot)));
    } catch (error) {
      await Promise.all(slots.map((slot) => this.retire(slot)));
      throw error;
    }
    for (const slot of slots) {
      this.all.add(slot);
      this.idle.push(slot);
    }
  }

  /** Run `task` with exclusive use of one worker slot. */
  async run<T>(task: (session: TesseractSession) => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    let slot = await this.acquire(signal);
    let abandon: (() => void) | undefined;
    try {
      await this.ensureRecognizer(slot);
      const session = this.session(slot);
      const aborted = new Promise<never>((_, reject) => {
        abandon = () => {
          slot.broken = true; // the job keeps running in the thread; terminating it is the only cancel
          reject(signal?.reason ?? new Error('aborted'));
        };
        signal?.addEventListener('abort', abandon, { once: true });
      });
      aborted.catch(() => {});
      return await Promise.race([task(session), slot.crashed, aborted]);
    } finally {
      if (abandon) signal?.removeEventListener('abort', abandon);
      slot.pages++;
      if (slot.broken || slot.pages >= this.recycleAfter) slot = await this.replace(slot);
      this.release(slot);
    }
  }

  stats(): PoolStats {
    return { ...this.counts };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const waiter of this.waiting.splice(0)) waiter.reject(new OcrError('OCR engine closed'));
    await Promise.all([...this.all].map((slot) => this.retire(slot)));
    clearTimeout(this.osdIdleTimer);
    await this.retireOsd();
    this.all.clear();
    this.idle.length = 0;
    if (this.joinedPath) await (await this.joinedPath.catch(() => null))?.dispose();
  }

  private session(slot: Slot): TesseractSession {
    return {
      recognize: async (image, dpi, output = { text: true, blocks: true }) => {
        try {
          // Tesseract scales its size heuristics by resolution; PNG density is not always read.
          await slot.recognizer!.setParameters({ user_defined_dpi: String(Math.round(dpi)) });
          const result = await slot.recognizer!.recognize(image, {}, output);
          return result.data;
        } catch (error) {
          slot.broken = true;
          throw new OcrError(`tesseract could not recognize the page: ${describe(error)}`, { cause: error });
        }
      },
      detect: (image, dpi) => this.detect(image, dpi),
    };
  }

  private acquire(signal?: AbortSignal): Promise<Slot> {
    if (this.closed) return Promise.reject(new OcrError('OCR engine closed'));
    const slot = this.idle.shift();
    if (slot) return Promise.resolve(slot);
    return new Promise<Slot>((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (s) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(s);
        },
        reject,
      };
      const onAbort = () => {
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(signal?.reason ?? new Error('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  private release(slot: Slot): void {
    if (this.closed) {
      void this.retire(slot);
      return;
    }
    const next = this.waiting.shift();
    if (next) next.resolve(slot);
    else this.idle.push(slot);
  }

  /** Swap a worn or broken slot for a fresh one; its workers are started lazily by the next task. */
  private async replace(slot: Slot): Promise<Slot> {
    if (slot.broken) this.counts.replacedBroken++;
    else this.counts.recycled++;
    this.all.delete(slot);
    await this.retire(slot);
    const fresh = newSlot();
    this.all.add(fresh);
    return fresh;
  }

  private async retire(slot: Slot): Promise<void> {
    slot.broken = true; // the thread's exit is expected now, not a crash
    const worker = slot.recognizer;
    slot.recognizer = null;
    await worker?.terminate().catch(() => undefined);
  }

  private detect(image: Buffer, dpi: number): Promise<Tesseract.DetectData> {
    this.osdPending++;
    clearTimeout(this.osdIdleTimer);
    const turn = this.osdTurn.then(async () => {
      if (this.closed) throw new OcrError('OCR engine closed');
      const osd = (this.osd ??= this.startOsd());
      try {
        const worker = await Promise.race([osd.worker, osd.crashed]);
        await Promise.race([worker.setParameters({ user_defined_dpi: String(Math.round(dpi)) }), osd.crashed]);
        const result = await Promise.race([worker.detect(image), osd.crashed]);
        return result.data;
      } catch (error) {
        osd.broken = true;
        throw new OcrError(`tesseract orientation detection failed: ${describe(error)}`, { cause: error });
      } finally {
        osd.detections++;
        if (osd.broken || osd.detections >= this.recycleAfter) await this.retireOsd();
      }
    });
    this.osdTurn = turn.catch(() => undefined);
    void this.osdTurn.then(() => {
      if (--this.osdPending > 0 || this.closed || !this.osd) return;
      // Queued behind the detections, so it never terminates the worker under one; a detection asked for since
      // finds the worker gone and starts another.
      this.osdIdleTimer = setTimeout(() => {
        this.osdTurn = this.osdTurn.then(async () => {
          if (this.osdPending > 0 || !this.osd) return;
          this.counts.osdRetiredIdle++;
          await this.retireOsd();
        });
      }, this.osdIdleMs);
      this.osdIdleTimer.unref();
    });
    return turn;
  }

  private startOsd(): SharedOsd {
    let crash: (error: Error) => void = () => {};
    const crashed = new Promise<never>((_, reject) => {
      crash = reject;
    });
    crashed.catch(() => {}); // observed only while a detection runs
    const worker = createWorker('osd', OEM.TESSERACT_ONLY, { ...this.workerOptions, langPath: languageFolder('osd') });
    const osd: SharedOsd = { worker, detections: 0, crashed, crash, broken: false };
    void worker.then((w) => watchThread(osd, w), () => {});
    this.counts.osdStarted++;
    return osd;
  }

  private async retireOsd(): Promise<void> {
    const osd = this.osd;
    if (!osd) return;
    this.osd = null;
    osd.broken = true; // the thread's exit is expected now, not a crash
    await osd.worker.then((w) => w.terminate()).catch(() => undefined);
  }

  private async ensureRecognizer(slot: Slot): Promise<void> {
    if (slot.recognizer) return;
    try {
      this.joinedPath ??= languagePath(this.languages);
      const { langPath } = await this.joinedPath;
      const worker = await createWorker(this.languages, OEM.LSTM_ONLY, { ...this.workerOptions, langPath });
      // Automatic page segmentation: forms are read block by block, in order, not as one block.
      // No second, inverted reading of low-confidence lines: scans are dark on light (bench/results/ocr-options.md).
      await worker.setParameters({ tessedit_pageseg_mode: PSM.AUTO, tessedit_do_invert: '0', ...this.parameters });
      watchThread(slot, worker);
      slot.recognizer = worker;
      this.counts.workersStarted++;
    } catch (error) {
      throw new OcrError(`could not start a tesseract worker: ${describe(error)}`, { cause: error });
    }
  }
}
