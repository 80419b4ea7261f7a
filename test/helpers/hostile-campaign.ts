/**
 * Sends hostile files (hostile-files.ts) through a running server, by upload and through the hot folder, mixed
 * with good scans, and reports what became of each: quarantined with its reason, taken as pages, refused at the
 * edge, or left hanging. Used by `npm run bench:hostile` (200+ files) and the quick subset in
 * test/hostile-files.test.ts; both judge the same report.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Queryable } from '@sohoa/shared';
import type { HostileFile } from './hostile-files.ts';

export interface GoodFile { name: string; bytes: Buffer }

export interface CampaignOptions {
  url: string;
  token: string;
  db: Queryable;
  inboxDir: string;
  unit: string;
  hostile: HostileFile[];
  good: GoodFile[];
  /** Hostile files per upload batch, each batch with one good file. */
  batchSize?: number;
  /** How long every file may take to settle, and every good file to become a record. */
  settleTimeoutMs?: number;
  log?: (line: string) => void;
}

export type Route = 'upload' | 'hot folder';

export interface Outcome {
  route: Route;
  name: string;
  kind: string;
  expect: 'quarantine' | 'either' | 'record';
  /** quarantined / split / failed / refused (the upload answered 4xx) / hanging (not settled in time). */
  result: 'quarantined' | 'split' | 'failed' | 'refused' | 'hanging';
  reason: string | null;
  /** For a good file: whether it became an archived record. */
  record?: boolean;
  index?: number;
}

export interface CampaignReport {
  outcomes: Outcome[];
  health: { polls: number; failures: number; maxMs: number; p95Ms: number; failed: string[] };
  elapsedMs: number;
}

/** A reason in words: letters, no stack frame, no server path. */
export function isReasonInWords(reason: string | null): boolean {
  return !!reason && /[a-z]{3,}/i.test(reason) && !/\bat \S+ \(|node_modules|\.ts:\d+|\/tmp\/|\/home\/|\/work\//.test(reason);
}

/** What the report must show (issue 13): a list of violations, empty when the run met its goals. */
export function violations(report: CampaignReport): string[] {
  const out: string[] = [];
  for (const o of report.outcomes) {
    const what = `${o.route} ${JSON.stringify(o.name.slice(0, 60))} (${o.kind})`;
    if (o.expect === 'record') {
      if (!o.record) out.push(`${what}: a good file did not become a record (${o.result}${o.reason ? `: ${o.reason}` : ''})`);
      continue;
    }
    if (o.result === 'hanging' || o.result === 'failed') out.push(`${what}: ${o.result}${o.reason ? ` (${o.reason})` : ''}`);
    if (o.expect === 'quarantine' && o.result !== 'quarantined' && o.result !== 'refused') out.push(`${what}: should be quarantined, was ${o.result}`);
    if ((o.result === 'quarantined' || o.result === 'refused') && !isReasonInWords(o.reason)) out.push(`${what}: reason not in words: ${JSON.stringify(o.reason)}`);
  }
  if (report.health.failures > 0) out.push(`/healthz failed ${report.health.failures} of ${report.health.polls} times: ${report.health.failed.slice(0, 5).join('; ')}`);
  return out;
}

interface Pending {
  outcome: Outcome;
  /** Where to look: an upload's batch and position, or a hot-folder file's path relative to the inbox. */
  at: { batch: string; position: number } | { inboxPath: string } | null;
}

async function upload(url: string, token: string, unit: string, files: { name: string; bytes: Buffer }[]): Promise<{ status: number; body: any }> {
  const form = new FormData();
  form.set('unit', unit);
  form.set('procedure', 'KS');
  form.set('component', 'KS-TK');
  for (const f of files) form.append('files[]', new Blob([new Uint8Array(f.bytes)]), f.name);
  const r = await fetch(`${url}/api/v1/batches`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
  const text = await r.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch { /* a non-JSON answer is kept as text, and judged as such */ }
  return { status: r.status, body };
}

/** Polls /healthz until stopped: how often it failed, and how long it took. */
function watchHealth(url: string): { stop(): Promise<CampaignReport['health']> } {
  const times: number[] = [];
  let failures = 0;
  const failed: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      try {
        const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) });
        await r.arrayBuffer();
        if (r.status !== 200) {
          failures++;
          failed.push(`${new Date().toISOString().slice(11, 19)} answered ${r.status}`);
        }
      } catch (error) {
        failures++;
        failed.push(`${new Date().toISOString().slice(11, 19)} ${error instanceof Error ? error.name : 'error'} after ${Math.round(performance.now() - started)} ms`);
      }
      times.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      const sorted = [...times].sort((a, b) => a - b);
      return { polls: times.length, failures, failed, maxMs: Math.round(sorted.at(-1) ?? 0), p95Ms: Math.round(sorted[Math.floor(sorted.length * 0.95)] ?? 0) };
    },
  };
}

export async function runHostileCampaign(o: CampaignOptions): Promise<CampaignReport> {
  const log = o.log ?? (() => {});
  const started = Date.now();
  const health = watchHealth(o.url);
  const batchSize = o.batchSize ?? 8;
  const pending: Pending[] = [];
  let goodTurn = 0;
  const nextGood = () => o.good[goodTurn++ % o.good.length]!;
  const outcomeOf = (f: HostileFile, route: Route): Outcome => ({ route, name: f.name, kind: f.kind, expect: f.expect, result: 'hanging', reason: null, index: f.index });

  // Odd names that cannot be on disk go by upload, each alone: a refusal of its batch takes no good file with it.
  // Two files of one name in one folder would be one file: a name already dropped goes by upload instead.
  const dropped = new Set<string>();
  const toInbox = (f: HostileFile, i: number) => !f.uploadOnly && i % 2 === 1 && !dropped.has(f.name) && !!dropped.add(f.name);
  const inboxFiles = new Set(o.hostile.filter(toInbox));
  const byUpload = o.hostile.filter((f) => !inboxFiles.has(f));
  const byInbox = o.hostile.filter((f) => inboxFiles.has(f));
  const alone = byUpload.filter((f) => f.uploadOnly);
  const mixed = byUpload.filter((f) => !f.uploadOnly);

  for (const f of alone) {
    const r = await upload(o.url, o.token, o.unit, [f]);
    const outcome = outcomeOf(f, 'upload');
    if (r.status === 202) pending.push({ outcome, at: { batch: r.body.id, position: 0 } });
    else {
      outcome.result = r.status >= 400 && r.status < 500 ? 'refused' : 'failed';
      outcome.reason = typeof r.body === 'object' ? `${r.status} ${r.body?.error?.code}: ${r.body?.error?.message}` : `${r.status} ${String(r.body).slice(0, 200)}`;
      pending.push({ outcome, at: null });
    }
  }
  for (let i = 0; i < mixed.length; i += batchSize) {
    const chunk = mixed.slice(i, i + batchSize);
    const good = nextGood();
    // The good file in the middle: files before and after it are hostile.
    const at = Math.floor(chunk.length / 2);
    const files = [...chunk.slice(0, at), good, ...chunk.slice(at)];
    const r = await upload(o.url, o.token, o.unit, files);
    if (r.status !== 202) throw new Error(`an upload batch was refused: ${r.status} ${JSON.stringify(r.body)}`);
    files.forEach((f, position) => {
      const outcome: Outcome = f === good ? { route: 'upload', name: good.name, kind: 'good scan', expect: 'record', result: 'hanging', reason: null } : outcomeOf(f as HostileFile, 'upload');
      pending.push({ outcome, at: { batch: r.body.id, position } });
    });
  }
  log(`uploaded ${byUpload.length} hostile files and ${Math.ceil(mixed.length / batchSize)} good ones`);

  // The hot folder: written under a dot name, then renamed, as a scanner's share does (dot files are left alone).
  const folder = path.join(o.inboxDir, o.unit, 'KS');
  await fs.mkdir(folder, { recursive: true });
  const drop = async (name: string, bytes: Buffer) => {
    const partial = path.join(folder, `.part-${Math.random().toString(36).slice(2)}`);
    await fs.writeFile(partial, bytes);
    await fs.rename(partial, path.join(folder, name));
    return path.join(o.unit, 'KS', name);
  };
  const goodEvery = batchSize;
  for (const [i, f] of byInbox.entries()) {
    pending.push({ outcome: outcomeOf(f, 'hot folder'), at: { inboxPath: await drop(f.name, f.bytes) } });
    if (i % goodEvery === goodEvery - 1 || i === Math.floor(byInbox.length / 2)) {
      const good = nextGood();
      const name = `good-${i}-${good.name}`;
      pending.push({ outcome: { route: 'hot folder', name, kind: 'good scan', expect: 'record', result: 'hanging', reason: null }, at: { inboxPath: await drop(name, good.bytes) } });
    }
  }
  log(`dropped ${byInbox.length} hostile files in the hot folder, with good ones between them`);

  const deadline = Date.now() + (o.settleTimeoutMs ?? 600_000);
  for (;;) {
    let open = 0;
    for (const p of pending) {
      if (!p.at || (p.outcome.result !== 'hanging' && (p.outcome.expect !== 'record' || p.outcome.record))) continue;
      await settle(o.db, p);
      if (p.outcome.result === 'hanging' || (p.outcome.expect === 'record' && !p.outcome.record && p.outcome.result === 'split')) open++;
    }
    if (open === 0 || Date.now() > deadline) {
      if (open > 0) for (const p of pending.filter((q) => q.outcome.result === 'hanging' || (q.outcome.expect === 'record' && !q.outcome.record))) log(`not settled: ${JSON.stringify({ ...p.outcome, at: p.at })}`);
      if (open > 0) {
        const { rows } = await o.db.query(`SELECT bf.name, p.status, p.attempts, p.error FROM pages p JOIN batch_files bf ON bf.id = p.file_id WHERE p.status <> 'done'`);
        log(`pages not done: ${JSON.stringify(rows)}`);
        const docs = await o.db.query(`SELECT bf.name, d.status, d.error FROM documents d JOIN batch_files bf ON bf.id = d.file_id WHERE d.status <> 'archived'`);
        log(`documents not archived: ${JSON.stringify(docs.rows)}`);
      }
      break;
    }
    log(`${open} files still being read or archived`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  return { outcomes: pending.map((p) => p.outcome), health: await health.stop(), elapsedMs: Date.now() - started };
}

/** Reads the file's state from the database: its batch file row, or the hot folder's own quarantine. */
async function settle(db: Queryable, p: Pending): Promise<void> {
  let fileId: string | null = null;
  if ('batch' in p.at!) {
    const { rows } = await db.query<{ id: string; status: string; error: string | null }>('SELECT id, status, error FROM batch_files WHERE batch_id = $1 AND position = $2', [p.at.batch, p.at.position]);
    if (!rows[0]) return;
    fileId = rows[0].id;
    apply(p.outcome, rows[0].status, rows[0].error);
  } else {
    const { rows } = await db.query<{ batch_id: string | null; reason: string | null }>(
      `SELECT i.batch_id, q.reason FROM inbox_files i LEFT JOIN quarantined_files q ON q.id = i.quarantined_id WHERE i.path = $1 ORDER BY i.taken_at DESC LIMIT 1`,
      [p.at!.inboxPath],
    );
    if (!rows[0]) return;
    if (rows[0].reason !== null) return void Object.assign(p.outcome, { result: 'quarantined', reason: rows[0].reason });
    const file = await db.query<{ id: string; status: string; error: string | null }>('SELECT id, status, error FROM batch_files WHERE batch_id = $1 ORDER BY position LIMIT 1', [rows[0].batch_id]);
    if (!file.rows[0]) return;
    fileId = file.rows[0].id;
    apply(p.outcome, file.rows[0].status, file.rows[0].error);
  }
  if (p.outcome.expect === 'record' && fileId && p.outcome.result === 'split') {
    // A document may begin with a page of another file of the batch: the good file's pages are looked for in it.
    const { rows } = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM records r JOIN documents d ON d.id = r.document_id JOIN pages p ON p.id = ANY(d.page_ids) WHERE p.file_id = $1',
      [fileId],
    );
    p.outcome.record = rows[0]!.n > 0;
  }
}

function apply(outcome: Outcome, status: string, error: string | null): void {
  if (status === 'quarantined' || status === 'split' || status === 'failed') Object.assign(outcome, { result: status, reason: error });
}
