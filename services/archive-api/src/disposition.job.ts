/**
 * disposition.scan (nightly, pg-boss cron): lists the records due. disposition.execute (sent when the archive lead
 * approves): carries out an approved list, item by item, each in its own transaction with the record row locked,
 * so a hold placed meanwhile waits for it or is seen by it: the guard re-reads the holds inside the step that
 * deletes (held → skipped, recorded). Then the destruction minute: made, signed by the unit, kept as a permanent
 * record whose id is the list's (a rerun finds it instead of making a second).
 */
import { createHash } from 'node:crypto';
import { eventRepository, objectKey, recordAudit, withTransaction, type Db, type JobHandler, type ObjectStore, type Queryable } from '@sohoa/shared';
import { signAsUnit } from '@sohoa/signer/jobs';
import type { KeyTransports } from '@sohoa/signer';
import * as records from './archive.repository.ts';
import { buildDispositionMinute, type MinuteItem } from './disposition-minute.ts';
import * as repo from './disposition.repository.ts';
import { scanDue } from './disposition.service.ts';
import { defaultLockSettings, objectLockFor, type LockSettings } from './object-lock.ts';
import { guardedRecordFacts, objectChangeRefusal, type Refusal } from './record-guard.ts';
import { vietnamDate } from './retention.ts';

export interface DispositionJobDeps { db: Db; store: ObjectStore; keys: KeyTransports; tsaUrl?: string; lock?: LockSettings }

export function dispositionScanJob(deps: { db: Db }): JobHandler<'disposition.scan'> {
  return {
    async run() {
      await scanDue(deps.db);
      return { status: 'done' };
    },
    async giveUp() {
      // The next night's scan lists them again.
    },
  };
}

const SKIPPED: Record<Refusal['code'], string> = {
  'on-hold': 'skipped-held', retained: 'skipped-retained', 'file-open': 'skipped-retained', kept: 'skipped-kept',
  'disposition-required': 'skipped-kept', 'write-once': 'skipped-retained', disposed: 'disposed',
};

interface RecordToDispose { id: string; unit_id: string; dossier_id: string | null; bucket: string; object_key: string; sha256: string; size: string; metadata: Record<string, unknown> }

async function disposeItem(deps: DispositionJobDeps, list: repo.ListRow, recordId: string): Promise<string> {
  return withTransaction(deps.db, async (tx) => {
    const { rows } = await tx.query<RecordToDispose>('SELECT id, unit_id, dossier_id, bucket, object_key, sha256, size, metadata FROM records WHERE id = $1 FOR UPDATE', [recordId]);
    const record = rows[0]!;
    const refusal = objectChangeRefusal(await guardedRecordFacts(tx, { id: recordId }), 'delete', vietnamDate(new Date()));
    if (refusal) {
      const outcome = SKIPPED[refusal.code];
      await repo.itemOutcome(tx, list.id, recordId, outcome);
      await recordAudit(tx, { actor: 'system', action: 'disposition.skipped', subjectType: 'record', subjectId: recordId, detail: { list: list.id, ...refusal } });
      return outcome;
    }
    // The store asks the same guard again (from its own connection) before it removes anything. Every object the
    // record has had goes: the versions long-term validation superseded too.
    const keys = [...new Set([...(await records.recordVersionKeys(tx, recordId)), record.object_key])];
    const versions: string[] = [];
    for (const key of keys) versions.push(...(await deps.store.removeAllVersions(key)));
    await repo.insertTombstone(tx, {
      recordId, unitId: record.unit_id, dossierId: record.dossier_id, bucket: record.bucket, objectKey: record.object_key, versions, sha256: record.sha256,
      size: Number(record.size), metadata: record.metadata, listId: list.id, proposedBy: list.proposed_by, approvedBy: list.decided_by!, approvedAt: list.decided_at!,
    });
    await records.markDisposed(tx, recordId);
    await eventRepository.appendEvent(tx, { type: 'record.disposed', unitId: record.unit_id, dossierId: record.dossier_id, recordId, data: { list: list.id } });
    await repo.itemOutcome(tx, list.id, recordId, 'disposed');
    await recordAudit(tx, { actor: 'system', action: 'record.disposed', subjectType: 'record', subjectId: recordId, detail: { list: list.id, sha256: record.sha256, keys, versions, approvedBy: list.decided_by } });
    return 'disposed';
  });
}

async function minuteItems(db: Queryable, listId: string): Promise<MinuteItem[]> {
  const { rows } = await db.query<MinuteItem>(
    `SELECT i.record_id AS "recordId", d.code AS "dossierCode", coalesce(r.metadata->>'title', 'Tài liệu') AS title,
            to_char(r.retain_until, 'YYYY-MM-DD') AS "retainUntil", r.sha256, i.outcome
     FROM disposition_items i JOIN records r ON r.id = i.record_id LEFT JOIN dossiers d ON d.id = r.dossier_id
     WHERE i.list_id = $1 AND i.decision = 'dispose' ORDER BY d.code NULLS LAST, i.record_id`,
    [listId],
  );
  return rows;
}

async function writeMinute(deps: DispositionJobDeps, list: repo.ListRow): Promise<void> {
  const existing = await deps.db.query('SELECT 1 FROM records WHERE id = $1', [list.id]);
  if (existing.rowCount) return void (await repo.listExecuted(deps.db, list.id, list.id));
  const unit = (await deps.db.query<{ id: string; code: string; name: string }>('SELECT id, code, name FROM units WHERE id = $1', [list.unit_id])).rows[0]!;
  const items = await minuteItems(deps.db, list.id);
  const executedAt = new Date();
  const unsigned = await buildDispositionMinute({
    listId: list.id, unitName: unit.name, proposedBy: list.proposed_by, proposedAt: list.proposed_at, approvedBy: list.decided_by!, approvedAt: list.decided_at!,
    executedAt, decisionReason: list.decision_reason, items,
  });
  const signed = await signAsUnit(deps.db, unit, unsigned, { reason: `Biên bản hủy tài liệu ${list.id}`, keys: deps.keys, tsaUrl: deps.tsaUrl });
  const sha256 = createHash('sha256').update(signed).digest('hex');
  const key = objectKey('records', unit.code, 'disposition', `${list.id}.pdf`);
  const { versionId } = await deps.store.put(key, signed, { contentType: 'application/pdf', metadata: { 'record-id': list.id, 'unit-code': unit.code, kind: 'disposition-minute', sha256, retention: 'permanent' } });
  if (deps.store.objectLock) await deps.store.lockRetention(key, objectLockFor({ permanent: true, retainUntil: null }, deps.lock ?? defaultLockSettings, executedAt, versionId));
  await withTransaction(deps.db, async (tx) => {
    const metadata = {
      recordId: list.id, kind: 'disposition-minute', title: 'Biên bản hủy tài liệu hết giá trị', unitCode: unit.code, unitName: unit.name, sha256,
      retention: 'permanent', retainUntil: null, language: 'vi', list: list.id, disposed: items.filter((i) => i.outcome === 'disposed').map((i) => i.recordId),
    };
    const text = items.map((i) => `${i.recordId} ${i.dossierCode ?? ''} ${i.title} ${i.outcome}`).join('\n');
    const pages = (signed.length > 0 ? 1 : 0) + Math.floor(Math.max(0, items.length - 1) / 20);
    if (await records.insertIssuedRecord(tx, { id: list.id, unitId: unit.id, bucket: deps.store.bucket, objectKey: key, objectVersionId: versionId ?? null, sha256, size: signed.length, pageCount: pages, metadata, text, countedFrom: vietnamDate(executedAt) })) {
      await recordAudit(tx, { actor: 'system', action: 'record.archived', subjectType: 'record', subjectId: list.id, detail: { objectKey: key, sha256, kind: 'disposition-minute' } });
    }
    await repo.listExecuted(tx, list.id, list.id);
    await recordAudit(tx, { actor: 'system', action: 'disposition.executed', subjectType: 'disposition', subjectId: list.id, detail: { minute: list.id, outcomes: items.map((i) => [i.recordId, i.outcome]) } });
  });
}

export function dispositionExecuteJob(deps: DispositionJobDeps): JobHandler<'disposition.execute'> {
  return {
    async run({ listId }) {
      const list = await repo.listById(deps.db, listId);
      if (!list) return { status: 'skipped', reason: 'no such list' };
      if (list.status === 'executed') return { status: 'skipped', reason: 'already carried out' };
      if (list.status !== 'approved') return { status: 'skipped', reason: `the list is ${list.status}` };
      for (const item of await repo.itemsOf(deps.db, listId)) {
        if (item.decision === 'dispose' && item.outcome === null) await disposeItem(deps, list, item.record_id);
      }
      await writeMinute(deps, list);
      return { status: 'done' };
    },
    async giveUp({ listId }, error) {
      await recordAudit(deps.db, { actor: 'system', action: 'disposition.failed', subjectType: 'disposition', subjectId: listId, detail: { error } });
    },
  };
}
