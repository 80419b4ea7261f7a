import { createHash } from 'node:crypto';
import { eventRepository, metrics, recordAudit, withTransaction, type Db, type ObjectStore } from '@sohoa/shared';
import { fixityResult, throttleWaitMs, type ObjectReading, type SignatureFinding, type ThrottleLimits } from './fixity-core.ts';
import * as repo from './fixity.repository.ts';

/** Checks the signatures of a PDF held in memory (the production one wraps verifyPdf: signature-checker.ts). */
export type SignatureChecker = (pdf: Uint8Array) => Promise<SignatureFinding>;

export interface FixityDeps {
  db: Db;
  store: ObjectStore;
  checkSignatures: SignatureChecker;
  limits: ThrottleLimits;
  /**
   * Objects up to this size are kept in memory while they are hashed, for the signature check (which needs the
   * whole PDF); larger ones are only hashed, streaming, and their detail says the signature was not checked.
   */
  signatureCheckMaxBytes: number;
}

export interface SliceOptions {
  /** Stop after this long and say `more`: a job stays far below its timeout, and the next job continues. */
  sliceMs: number;
  /** Records fetched per query. */
  pageSize?: number;
  /** Who the alerts name (the run's requester). */
  actor?: string;
}

export type SliceOutcome = { state: 'done' | 'more'; run: repo.FixityRun } | { state: 'busy' | 'gone' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads an object once: its SHA-256 and size, and its bytes when it is small enough to check its signatures. */
export async function readObject(store: ObjectStore, key: string, keepUpTo: number): Promise<{ found: false } | { found: true; sha256: string; size: number; bytes: Buffer | null }> {
  let stream;
  try {
    stream = await store.getStream(key);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'NoSuchKey' || code === 'NotFound') return { found: false };
    throw err; // the store is down or refuses: the job is retried, nothing is recorded against the record
  }
  const hash = createHash('sha256');
  let size = 0;
  let kept: Buffer[] | null = [];
  for await (const chunk of stream) {
    const bytes = chunk as Buffer;
    hash.update(bytes);
    size += bytes.length;
    if (kept && size <= keepUpTo) kept.push(bytes);
    else kept = null;
  }
  return { found: true, sha256: hash.digest('hex'), size, bytes: kept ? Buffer.concat(kept, size) : null };
}

/** Checks one record's object: its SHA-256 against the database's, then its signatures. */
export async function checkRecord(deps: Pick<FixityDeps, 'store' | 'checkSignatures' | 'signatureCheckMaxBytes'>, record: repo.RecordToCheck) {
  const read = await readObject(deps.store, record.objectKey, deps.signatureCheckMaxBytes);
  let reading: ObjectReading = { found: false };
  if (read.found) {
    const signature: SignatureFinding =
      read.sha256 !== record.sha256
        ? { checked: false, why: 'the bytes changed' }
        : read.bytes
          ? await deps.checkSignatures(read.bytes)
          : { checked: false, why: `larger than ${deps.signatureCheckMaxBytes} bytes (FIXITY_SIGNATURE_MAX_BYTES)` };
    reading = { found: true, sha256: read.sha256, size: read.size, signature };
  }
  return { result: fixityResult({ sha256: record.sha256, size: record.size }, reading), bytes: read.found ? read.size : 0 };
}

/**
 * Works on one run for up to `sliceMs`: each record read, checked and saved with the run's cursor in one
 * transaction, so a worker killed anywhere loses at most the record it was reading. A record found changed,
 * missing or with a broken signature raises `fixity.failed` in the audit trail in that same transaction.
 * Only one process works a run at a time (a session advisory lock, released by PostgreSQL if the process dies).
 */
export async function runFixitySlice(deps: FixityDeps, runId: string, options: SliceOptions): Promise<SliceOutcome> {
  const lock = await deps.db.connect();
  try {
    const { rows } = await lock.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(hashtext('fixity-run'), hashtext($1)) AS locked`, [runId]);
    if (!rows[0]!.locked) return { state: 'busy' };
    try {
      return await workSlice(deps, runId, options);
    } finally {
      await lock.query(`SELECT pg_advisory_unlock(hashtext('fixity-run'), hashtext($1))`, [runId]);
    }
  } finally {
    lock.release();
  }
}

async function workSlice(deps: FixityDeps, runId: string, options: SliceOptions): Promise<SliceOutcome> {
  let run = await repo.loadRun(deps.db, runId);
  if (!run) return { state: 'gone' };
  if (run.status === 'done') return { state: 'done', run };
  const started = Date.now();
  let bytes = 0;
  let objects = 0;
  let cursor = run.cursor;
  for (;;) {
    const page = await repo.recordsAfter(deps.db, { unitIds: run.unitIds, after: cursor, limit: options.pageSize ?? 100 });
    if (!page.length) {
      await repo.finishRun(deps.db, runId);
      return { state: 'done', run: (await repo.loadRun(deps.db, runId))! };
    }
    for (const record of page) {
      if (Date.now() - started >= options.sliceMs) return { state: 'more', run: (await repo.loadRun(deps.db, runId))! };
      await sleep(throttleWaitMs({ elapsedMs: Date.now() - started, bytes, objects }, deps.limits));
      const t0 = performance.now();
      const { result, bytes: read } = await checkRecord(deps, record);
      bytes += read;
      objects += 1;
      const failed = await withTransaction(deps.db, async (tx) => {
        const saved = await repo.saveCheck(tx, runId, record, result, { bytes: read, seconds: (performance.now() - t0) / 1000 });
        if (saved && result.status !== 'intact') {
          await recordAudit(tx, {
            actor: options.actor ?? 'system', action: 'fixity.failed', subjectType: 'record', subjectId: record.id,
            detail: { run: runId, unit: record.unitCode, objectKey: record.objectKey, status: result.status, ...result.detail },
          });
          await eventRepository.appendEvent(tx, { type: 'fixity.failed', unitId: record.unitId, recordId: record.id, data: { run: runId, status: result.status } });
        }
        return saved && result.status !== 'intact';
      });
      if (failed) metrics.fixityFailures.inc({ status: result.status }); // counted once committed
      cursor = record.id;
    }
    run = (await repo.loadRun(deps.db, runId))!;
  }
}
