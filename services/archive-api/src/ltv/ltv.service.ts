/**
 * Long-term validation of records (the project brief's ../shared/domain.md beside the checkout, "Retention and disposition"): a record kept permanently, or longer
 * than its signers' certificates live, is extended to PAdES B-LTA (its certificates and revocation answers in a DSS,
 * then a document time-stamp) while the CA still answers, and re-time-stamped before the last time-stamp's
 * authority certificate expires. Each extension is a NEW object version under a new key (object-keys.ts
 * recordVersionKey): the old object is never written again and stays under its retention and lock; the record
 * points at the new one, in one transaction with its version row and the audit event naming both keys and hashes.
 *
 * record.extend without a record id is the cron tick: it sends record.extend per record that is due (ltvDue over
 * the state saved on each record) or that was never looked at (its PDF says what it is).
 */
import { createHash } from 'node:crypto';
import { recordAudit, recordVersionKey, withTransaction, type Db, type JobHandler, type JobOutcome, type ObjectStore, type Queue } from '@sohoa/shared';
import { extendToLta, loadTrustMaterial, ltvFactsOf, type LtvFacts, type OutboundLimits } from '@sohoa/signer';
import * as records from '../archive.repository.ts';
import { defaultLockSettings, objectLockFor, type LockSettings } from '../object-lock.ts';
import { ltvDue, type LtvState } from './ltv-due.ts';
import * as repo from './ltv.repository.ts';

export interface LtvSettings {
  /** The time-stamp authority (TSA_URL); without one nothing is extended. */
  tsaUrl?: string;
  /** Renew this many days before the last time-stamp's authority certificate expires (LTV_RENEW_MARGIN_DAYS). */
  renewMarginDays: number;
  /** The anchors the chains are built up to (the CA certificates themselves go into the DSS too). */
  trust: { trustAnchorsDir: string; extraAnchorFiles: string[] };
  /** OCSP_URL: a responder to ask instead of the certificates' own. */
  ocspUrl?: string;
  /** OUTBOUND_*: limits of the fetches the certificates cause. */
  outbound?: OutboundLimits;
  lock?: LockSettings;
}

export interface LtvDeps { db: Db; store: ObjectStore; queue: Queue; settings: LtvSettings; now?: () => Date }

const SCAN_PAGE = 500;

/** The end of a record's retain-until day, Vietnam time: the instant it need no longer be verifiable. */
const retentionEnd = (retainUntil: string) => new Date(`${retainUntil}T23:59:59+07:00`);

function stateOf(row: { id: string; permanent: boolean; retainUntil: string | null }, signerCertificateExpires: Date, lastTimestampExpires: Date | null): LtvState {
  return { recordId: row.id, retainUntil: row.permanent || !row.retainUntil ? null : retentionEnd(row.retainUntil), signerCertificateExpires, lastTimestampExpires };
}

/** The cron tick: one record.extend per record due, or never looked at yet. Returns how many were sent. */
export async function sendDueExtensions(deps: LtvDeps): Promise<number> {
  const now = deps.now?.() ?? new Date();
  let after: string | null = null;
  let sent = 0;
  for (;;) {
    const page = await repo.ltvScanPage(deps.db, { after, limit: SCAN_PAGE });
    if (!page.length) return sent;
    const known = page.filter((r) => r.checked && r.signerCertificateExpires);
    const due = new Set([
      ...page.filter((r) => !r.checked).map((r) => r.id),
      ...ltvDue(known.map((r) => stateOf(r, r.signerCertificateExpires!, r.lastTimestampExpires)), now, deps.settings.renewMarginDays).map((a) => a.recordId),
    ]);
    for (const recordId of due) await deps.queue.send('record.extend', { recordId });
    sent += due.size;
    after = page.at(-1)!.id;
  }
}

const stateRow = (facts: LtvFacts): records.LtvStateRow => ({
  level: facts.level,
  signerCertificateExpires: facts.signerCertificateExpires,
  lastTimestampAt: facts.lastDocumentTimestamp?.time ?? null,
  lastTimestampExpires: facts.lastDocumentTimestamp?.expires ?? null,
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * One record: reads its current object, decides with ltvDue on what the file itself says, and when due writes the
 * extended file as the record's next version. One worker per record at a time (a session advisory lock), so two
 * runs never write the same next key.
 */
export async function extendRecord(deps: LtvDeps, recordId: string): Promise<JobOutcome> {
  const lock = await deps.db.connect();
  try {
    const { rows } = await lock.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(hashtext('record-extend'), hashtext($1)) AS locked`, [recordId]);
    if (!rows[0]!.locked) return { status: 'skipped', reason: 'another worker is extending this record' };
    try {
      return await extendLocked(deps, recordId);
    } finally {
      await lock.query(`SELECT pg_advisory_unlock(hashtext('record-extend'), hashtext($1))`, [recordId]);
    }
  } finally {
    lock.release();
  }
}

async function extendLocked(deps: LtvDeps, recordId: string): Promise<JobOutcome> {
  const { settings, store } = deps;
  const record = await repo.recordToExtend(deps.db, recordId);
  if (!record) return { status: 'skipped', reason: 'no such record' };
  if (record.disposed) return { status: 'skipped', reason: 'the record was disposed of' };
  if (!settings.tsaUrl) return { status: 'skipped', reason: 'no time-stamp authority configured (TSA_URL)' };

  const pdf = await store.get(record.objectKey);
  // Never extend bytes that are not the archived ones: the extension would vouch for them. Fixity reports it.
  if (sha256(pdf) !== record.sha256) return { status: 'failed', reason: `the stored object ${record.objectKey} no longer hashes to the archived SHA-256` };
  const facts = await ltvFactsOf(pdf);
  if (!facts.signerCertificateExpires) {
    await records.saveLtvState(deps.db, record.id, record.objectVersion, stateRow(facts));
    return { status: 'skipped', reason: 'the record carries no signature whose certificate could be read' };
  }
  const now = deps.now?.() ?? new Date();
  const [due] = ltvDue([stateOf(record, facts.signerCertificateExpires, facts.lastDocumentTimestamp?.expires ?? null)], now, settings.renewMarginDays);
  if (!due) {
    await records.saveLtvState(deps.db, record.id, record.objectVersion, stateRow(facts));
    return { status: 'skipped', reason: `not due (${facts.level})` };
  }

  const { trustAnchorsPem } = await loadTrustMaterial({ trustAnchorsDir: settings.trust.trustAnchorsDir, extraAnchorFiles: settings.trust.extraAnchorFiles });
  // The TSA not answering throws: the job is retried.
  const extension = await extendToLta(pdf, { trustAnchorsPem, ocspUrl: settings.ocspUrl, outbound: settings.outbound, fetchTimeoutMs: settings.outbound?.timeoutMs, timestampAuthority: { url: settings.tsaUrl } });
  // A first extension without every revocation answer would not verify once the CA is gone: try again next night.
  // A renewal goes ahead regardless: the answers gathered before are in the DSS, and the new time-stamp must not wait.
  if (due.action === 'extend' && extension.problems.length) {
    await records.saveLtvState(deps.db, record.id, record.objectVersion, stateRow(facts));
    return { status: 'failed', reason: `not extended: ${extension.problems.join('; ')}` };
  }

  const newFacts = await ltvFactsOf(extension.pdf);
  const version = record.objectVersion + 1;
  const key = recordVersionKey(record.objectKey, version);
  const hash = sha256(extension.pdf);
  const previous = await store.stat(record.objectKey);
  const { versionId } = await store.put(key, extension.pdf, {
    contentType: 'application/pdf',
    metadata: { ...(previous?.metadata ?? {}), 'record-id': record.id, sha256: hash, 'record-version': String(version), 'previous-key': record.objectKey },
  });
  if (store.objectLock) {
    await store.lockRetention(key, objectLockFor(record, settings.lock ?? defaultLockSettings, now, versionId));
    if (record.onHold) await store.setLegalHold(key, true, versionId);
  }
  const stored = sha256(await store.get(key));
  if (stored !== hash) throw new Error(`the new version ${key} reads back as ${stored}, expected ${hash}`);

  const appended = await withTransaction(deps.db, async (tx) => {
    const done = await records.appendRecordVersion(tx, {
      recordId: record.id, fromVersion: record.objectVersion, objectKey: key, objectVersionId: versionId ?? null, sha256: hash, size: extension.pdf.length,
      reason: due.action === 'extend' ? 'extended' : 'renewed', state: stateRow(newFacts),
    });
    if (done) {
      await recordAudit(tx, {
        actor: 'system', action: due.action === 'extend' ? 'record.ltv-extended' : 'record.ltv-renewed', subjectType: 'record', subjectId: record.id, unitId: record.unitId,
        detail: {
          why: due.why, level: newFacts.level,
          from: { version: record.objectVersion, objectKey: record.objectKey, sha256: record.sha256 },
          to: { version, objectKey: key, sha256: hash, size: extension.pdf.length },
          timestamp: { time: extension.timestamp.time.toISOString(), authorityCertificateExpires: extension.timestamp.expires.toISOString() },
          ...(extension.problems.length ? { problems: extension.problems } : {}),
        },
      });
    }
    return done;
  });
  if (!appended) return { status: 'skipped', reason: 'the record changed meanwhile (disposed of, or extended by another run)' };
  return { status: 'done' };
}

/** record.extend: the cron tick (no record id) or one record. */
export function recordExtendJob(deps: LtvDeps): JobHandler<'record.extend'> {
  return {
    async run({ recordId }) {
      if (recordId) return extendRecord(deps, recordId);
      if (!deps.settings.tsaUrl) return { status: 'skipped', reason: 'no time-stamp authority configured (TSA_URL)' };
      await sendDueExtensions(deps);
      return { status: 'done' };
    },
    async giveUp({ recordId }, error) {
      if (!recordId) return;
      const record = await repo.recordToExtend(deps.db, recordId);
      await recordAudit(deps.db, { actor: 'system', action: 'record.ltv-failed', subjectType: 'record', subjectId: recordId, unitId: record?.unitId ?? null, detail: { error } });
    },
  };
}
