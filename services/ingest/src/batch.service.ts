import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { AppError, assertCode, batchRepository, inScope, dossierRepository, originalFileKey, recordAudit, safeFileName, withTransaction, type Db, type IntakeGate, type ObjectStore, type Queryable, type Queue, type UnitScope } from '@sohoa/shared';
import * as repo from './batch.repository.ts';
import { fairPriority, unitFilesWaiting } from './fair-share.ts';

/**
 * A file handed in, waiting on this machine's disk (an upload's spool file, a hot-folder file) until it is in the
 * object store; its size and SHA-256 were taken as it was read, so it is never held in memory whole.
 */
export interface IncomingFile { name: string; path: string; size: number; sha256: string }
export interface ReceiveBatchOptions {
  unitCode: string;
  procedureCode: string | null;
  dossierCode?: string | null;
  componentCode?: string | null;
  files: IncomingFile[];
  source: 'upload' | 'inbox';
  actor: string;
  /** Why a system sent the batch (X-Purpose), for the audit trail. */
  purpose?: string | null;
  /**
   * The units the sender may receive for (null or absent: every unit, as the hot folder does). Another unit is
   * refused exactly like one that does not exist, so its existence does not leak.
   */
  units?: UnitScope;
  receivedAt?: Date;
  /** Written in the batch's own transaction: the hot folder's note of which file made the batch (exactly once). */
  alsoRecord?: (tx: Queryable, batchId: string) => Promise<void>;
}
export interface IngestDeps {
  db: Db; store: ObjectStore; queue: Queue;
  /** Back-pressure: refuses new batches while the queue is too deep (absent: every batch comes in). */
  intake?: IntakeGate;
}

/**
 * The unit a batch is for, once back-pressure lets it in (IntakeFull otherwise), or null for a unit that does not
 * exist or is not the sender's. Asked before anything is stored; the upload route also asks it as soon as the unit's
 * field has arrived, so a refused upload's files are never spooled (src/http/batches.routes.ts).
 */
export async function admitBatch(deps: Pick<IngestDeps, 'db' | 'intake'>, options: Pick<ReceiveBatchOptions, 'unitCode' | 'units'>): Promise<repo.UnitRow | null> {
  const found = await repo.findUnit(deps.db, options.unitCode);
  const unit = found && inScope(options.units ?? null, found.id) ? found : null;
  if (unit) await deps.intake?.admit(unit.id); // before anything is stored: a refused batch leaves nothing behind
  return unit;
}

/**
 * Registers a batch: the originals go to the object store first (nothing is lost if the database write fails),
 * then the batch, its dossier, its files and one split job per file are committed in one transaction.
 */
export async function receiveBatch(deps: IngestDeps, options: ReceiveBatchOptions): Promise<{ batchId: string; dossierCode: string }> {
  if (options.files.length === 0) throw new AppError('no-files', 'the batch has no files');
  // The HTTP edge checked these already; the hot folder's come from directory names. A code reaches SQL, object
  // keys and file paths: its shape is checked before anything is looked up or stored.
  assertCode('unit', options.unitCode);
  if (options.procedureCode) assertCode('procedure', options.procedureCode);
  if (options.componentCode) assertCode('component', options.componentCode);
  if (options.dossierCode) assertCode('dossier', options.dossierCode);
  const unit = await admitBatch(deps, options);
  if (!unit) throw new AppError('unknown-unit', `unknown unit "${options.unitCode}"`, 422);

  let catalogVersionId: number | null = null;
  if (options.procedureCode) {
    catalogVersionId = await repo.latestCatalogVersionWith(deps.db, options.procedureCode);
    if (!catalogVersionId) throw new AppError('unknown-procedure', `unknown procedure "${options.procedureCode}"`, 422);
    if (options.componentCode && !(await repo.componentExists(deps.db, catalogVersionId, options.procedureCode, options.componentCode))) {
      throw new AppError('unknown-component', `procedure "${options.procedureCode}" has no component "${options.componentCode}"`, 422);
    }
  } else if (options.componentCode && !(await repo.componentInLatestCatalog(deps.db, options.componentCode))) {
    throw new AppError('unknown-component', `no procedure of the catalog has a component "${options.componentCode}"`, 422);
  }

  const batchId = randomUUID();
  const files = options.files.map((f, position) => {
    const id = randomUUID();
    const name = safeFileName(f.name) || `file-${position + 1}`;
    return { id, position, name, path: f.path, size: f.size, sha256: f.sha256, objectKey: originalFileKey(batchId, id) };
  });
  for (const f of files) {
    await deps.store.putStream(f.objectKey, fs.createReadStream(f.path), f.size, { metadata: { 'file-name': f.name, sha256: f.sha256 } });
  }

  const receivedAt = options.receivedAt ?? new Date();
  // A dossier code begins with the agency code of the unit that received it (decree 61/2018 art. 26). Another
  // agency's code is refused before anything is looked up, alike whether such a dossier exists or not: the answer
  // must not tell a sender which dossiers other units hold.
  const notThisUnits = () => new AppError('invalid-input', `dossier: a dossier code of unit ${unit.code} begins with "${unit.code}-"`, 422, { fields: [{ field: 'dossier', message: `begins with "${unit.code}-"` }] });
  if (options.dossierCode && !options.dossierCode.startsWith(`${unit.code}-`)) throw notThisUnits();

  const dossierCode = await withTransaction(deps.db, async (tx) => {
    let dossierCode: string;
    let dossierId: string;
    const existing = options.dossierCode ? await repo.findDossier(tx, options.dossierCode) : null;
    if (existing) {
      if (existing.unit_id !== unit.id) {
        // Only where a dossier carries its unit's code under another unit (data from before the rule): those who
        // may see that unit are told; anyone else gets the answer of a code that is not the unit's.
        if (!inScope(options.units ?? null, existing.unit_id)) throw notThisUnits();
        throw new AppError('dossier-of-other-unit', `dossier ${options.dossierCode} belongs to another unit`, 409);
      }
      dossierCode = options.dossierCode!;
      dossierId = existing.id;
    } else {
      const versionId = catalogVersionId ?? (await tx.query<{ v: number }>('SELECT max(id) AS v FROM catalog_versions')).rows[0]?.v;
      if (!versionId) throw new AppError('no-catalog', 'no procedure catalog has been imported', 409);
      dossierCode = options.dossierCode ?? (await dossierRepository.nextDossierCode(tx, unit, receivedAt));
      dossierId = await dossierRepository.insertDossier(tx, { code: dossierCode, codeSource: options.dossierCode ? 'given' : 'generated', unitId: unit.id, procedureCode: options.procedureCode, catalogVersionId: versionId, receivedAt });
    }
    await batchRepository.insertBatch(tx, { id: batchId, unitId: unit.id, dossierId, componentCode: options.componentCode ?? null, source: options.source, createdBy: options.actor });
    for (const f of files) await batchRepository.insertFile(tx, { id: f.id, batchId, position: f.position, name: f.name, size: f.size, sha256: f.sha256, objectKey: f.objectKey });
    await recordAudit(tx, { actor: options.actor, action: 'batch.received', subjectType: 'batch', subjectId: batchId, unitId: unit.id, purpose: options.purpose, detail: { dossierCode, files: files.map((f) => f.name), source: options.source } });
    await options.alsoRecord?.(tx, batchId);
    // Behind the unit's files already waiting, ahead of another unit's long backlog (fair-share.ts).
    const ahead = await unitFilesWaiting(tx, unit.id, batchId);
    for (const [i, f] of files.entries()) await deps.queue.send('ingest.file', { fileId: f.id }, { tx, priority: fairPriority(ahead, i) });
    return dossierCode;
  });
  return { batchId, dossierCode };
}

/** Keeps a display name from a client-supplied path without letting it name a path on this machine. */
export const safeName = safeFileName;
