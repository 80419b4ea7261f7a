import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Drops files into a hot folder as a scanner does (written under a dot name, then renamed: the inbox ignores dot
 * files) and follows their batches through the public API until each has settled: every document archived,
 * failed, merged or waiting for the clerk's review.
 */

interface BatchView {
  id: string;
  status: string;
  split: boolean;
  files: { name: string; pages: number | null }[];
  documents: { status: string; pages: number }[];
  records: { createdAt: string; pages: number }[];
}

export interface DossierOutcome {
  name: string;
  droppedAt: number;
  /** Epoch ms of the batch's last record (the server stamps it when the signed record is archived). */
  archivedAt: number | null;
  settledAt: number | null;
  pages: number;
  archivedPages: number;
  documents: number;
  review: number;
  failed: number;
  batchId: string | null;
}

const ENDED = new Set(['archived', 'failed', 'merged']);

function settled(view: BatchView): boolean {
  if (view.status === 'done' || view.status === 'failed') return true;
  return view.split && view.documents.length > 0 && view.documents.every((d) => ENDED.has(d.status) || d.status === 'review');
}

export class HotFolderWatch {
  readonly outcomes = new Map<string, DossierOutcome>();
  /** Batches received before this are not asked for (a long soak moves it on, so each look stays small). */
  since = new Date(Date.now() - 60_000).toISOString();

  constructor(private readonly url: string, private readonly token: string, private readonly inbox: string) {}

  async drop(file: string, name: string, pages: number): Promise<void> {
    await fs.mkdir(this.inbox, { recursive: true });
    const partial = path.join(this.inbox, `.${name}`);
    await fs.copyFile(file, partial);
    await fs.rename(partial, path.join(this.inbox, name));
    this.outcomes.set(name, { name, droppedAt: Date.now(), archivedAt: null, settledAt: null, pages, archivedPages: 0, documents: 0, review: 0, failed: 0, batchId: null });
  }

  private async list(): Promise<BatchView[]> {
    const r = await fetch(`${this.url}/api/v1/batches?since=${encodeURIComponent(this.since)}`, { headers: { authorization: `Bearer ${this.token}` } });
    if (!r.ok) throw new Error(`GET /api/v1/batches: ${r.status}`);
    return ((await r.json()) as { batches: BatchView[] }).batches;
  }

  /** One look at the batches: notes batch ids and settled dossiers. */
  async poll(): Promise<void> {
    for (const view of await this.list()) {
      const outcome = this.outcomes.get(view.files[0]?.name ?? '');
      if (!outcome) continue;
      outcome.batchId = view.id;
      if (outcome.settledAt !== null || !settled(view)) continue;
      outcome.settledAt = Date.now();
      const stamps = view.records.map((r) => Date.parse(r.createdAt));
      outcome.archivedAt = stamps.length ? Math.max(...stamps) : null;
      outcome.archivedPages = view.records.reduce((sum, r) => sum + r.pages, 0);
      outcome.documents = view.documents.length;
      outcome.review = view.documents.filter((d) => d.status === 'review').length;
      outcome.failed = view.documents.filter((d) => d.status === 'failed').length;
    }
  }

  async until(names: string[], timeoutMs: number): Promise<DossierOutcome[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.poll().catch(() => this.poll()); // a kept-alive socket the server closed meanwhile: ask again
      const outcomes = names.map((n) => this.outcomes.get(n)!);
      if (outcomes.every((o) => o.settledAt !== null)) return outcomes;
      if (Date.now() > deadline) throw new Error(`not settled within ${timeoutMs / 1000} s: ${outcomes.filter((o) => o.settledAt === null).map((o) => o.name).join(', ')}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** Times GET /api/v1/batches/:id every `everyMs` until stopped: the clerk's status screen while the pipeline works. */
export function probeBatchReads(url: string, token: string, batchId: () => string | null, everyMs = 250): { stop(): Promise<number[]>; errors(): number } {
  const times: number[] = [];
  let errors = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const id = batchId();
      if (id) {
        const started = performance.now();
        try {
          const r = await fetch(`${url}/api/v1/batches/${id}`, { headers: { authorization: `Bearer ${token}` } });
          await r.arrayBuffer();
          if (r.ok) times.push(performance.now() - started);
          else errors++;
        } catch {
          errors++;
        }
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    errors: () => errors,
    async stop() {
      running = false;
      await loop;
      return times;
    },
  };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}
