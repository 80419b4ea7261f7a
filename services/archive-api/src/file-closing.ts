import { recordAudit, withTransaction, type Db, type Queryable } from '@sohoa/shared';
import * as repo from './archive.repository.ts';
import { recordRetention } from './retention.ts';

/**
 * An archival file (a dossier) closed: its records' retention now counts from the end of that year instead of the
 * provisional year they were archived in. To be called by whoever closes files (archival description, issue 10:
 * a dossier's result issued or the file closed). Idempotent; records already disposed of are left alone.
 */
export async function fileClosed(db: Db, o: { dossierId: string; closedAt: Date; actor: string }): Promise<number> {
  return withTransaction(db, (tx) => retentionFromClosing(tx, o));
}

/** fileClosed inside the caller's transaction (the archival file's closing, and each record that joins it later). */
export async function retentionFromClosing(tx: Queryable, o: { dossierId: string; closedAt: Date; actor: string }): Promise<number> {
  const { rows } = await tx.query<{ id: string; retention_years: number | null; permanent: boolean; created_at: Date; retain_until: string | null }>(
    `SELECT id, retention_years, permanent, created_at, to_char(retain_until, 'YYYY-MM-DD') AS retain_until
     FROM records WHERE dossier_id = $1 AND disposed_at IS NULL FOR UPDATE`,
    [o.dossierId],
  );
  for (const r of rows) {
    const retention = recordRetention({ hasComponent: !r.permanent, retentionYears: r.retention_years, fileClosedAt: o.closedAt, archivedAt: r.created_at });
    await repo.retentionCountedFromClosing(tx, r.id, retention);
    if (r.retain_until !== retention.retainUntil) {
      await recordAudit(tx, { actor: o.actor, action: 'record.retention-changed', subjectType: 'record', subjectId: r.id, detail: { why: 'file closed', old: { retainUntil: r.retain_until }, new: { retainUntil: retention.retainUntil, countedFrom: retention.countedFrom } } });
    }
  }
  return rows.length;
}
