/**
 * Reuse (issue 11): another system, or a later dossier, takes a digitized record instead of asking the citizen for
 * the paper again.
 *   - lookupResults: an owner's reusable records (a document of a known component, not disposed of, still kept),
 *     each with its signature status verified now;
 *   - reuseDownload: the signed PDF of one of them;
 *   - dossierCompleteness: for a dossier being received, which required components it has, which are on file for
 *     its owner in reusable form (a valid signature), which the citizen must still bring;
 *   - attachReused: the dossier takes an on-file record in place of a paper.
 * Every lookup and download is in the audit trail (the key, the purpose, the owner) and in record_reuses, which the
 * digitization report counts; so is a record a dossier takes.
 */
import { createHash } from 'node:crypto';
import { AppError, isObjectMissing, recordAudit, vietnamDay, withTransaction, type Db, type ObjectStore, type Queryable, type UnitScope } from '@sohoa/shared';
import { completeness } from '@sohoa/matching';
import type { VerificationReport } from '@sohoa/signer';
import { documentDescriptions } from './archival-file.service.ts';
import * as repo from './reuse.repository.ts';

export type SignatureStatus = 'valid' | 'revoked' | 'invalid';

/**
 * The contract's three words for a verification report: `revoked` when a signer's certificate is revoked (whatever
 * else), `valid` when the report is, `invalid` otherwise (bytes changed, no trusted chain, no signature, revocation
 * that could not be checked without soft-fail).
 */
export function signatureStatusOf(report: Pick<VerificationReport, 'valid' | 'signatures'>): SignatureStatus {
  if (report.signatures.some((s) => s.revocation.status === 'revoked')) return 'revoked';
  return report.valid ? 'valid' : 'invalid';
}

/** Checks a PDF's signatures now (the signer's verifyPdf with the server's trust anchors and revocation settings). */
export type VerifyPdf = (pdf: Uint8Array) => Promise<VerificationReport>;

export interface SignatureChecker {
  /** The status of each record, verified now or taken from the cache (same record, same object SHA-256, recent). */
  statuses(store: ObjectStore, records: readonly { id: string; sha256: string; object_key: string }[], verify: VerifyPdf): Promise<SignatureStatus[]>;
}

/**
 * Signature statuses cached per record id + object SHA-256 for `ttlMs` (a new object version, e.g. an LTV
 * extension, is a new entry): a list of fifty records would otherwise read and verify fifty PDFs, with an OCSP
 * round trip each, on every lookup. Bytes that do not match the record's SHA-256 are `invalid` without a look at
 * their signatures. At most `concurrency` verifications run at once; the cache holds at most `maxEntries`.
 */
export function signatureChecker(o: { ttlMs: number; concurrency?: number; maxEntries?: number; now?: () => number }): SignatureChecker {
  const now = o.now ?? Date.now;
  const maxEntries = o.maxEntries ?? 10_000;
  const cache = new Map<string, { at: number; status: Promise<SignatureStatus> }>();

  async function check(store: ObjectStore, r: { sha256: string; object_key: string }, verify: VerifyPdf): Promise<SignatureStatus> {
    let pdf: Buffer;
    try {
      pdf = await store.get(r.object_key);
    } catch (err) {
      if (isObjectMissing(err)) return 'invalid'; // no bytes to match the record's SHA-256: one lost object does not fail the whole lookup
      throw err;
    }
    if (createHash('sha256').update(pdf).digest('hex') !== r.sha256) return 'invalid';
    return signatureStatusOf(await verify(pdf));
  }

  return {
    async statuses(store, records, verify) {
      const out: SignatureStatus[] = new Array(records.length);
      let next = 0;
      const worker = async () => {
        while (next < records.length) {
          const i = next++;
          const r = records[i]!;
          const key = `${r.id}:${r.sha256}`;
          const hit = cache.get(key);
          if (hit && o.ttlMs > 0 && now() - hit.at < o.ttlMs) {
            out[i] = await hit.status;
            continue;
          }
          const status = check(store, r, verify);
          if (o.ttlMs > 0) {
            cache.delete(key);
            cache.set(key, { at: now(), status });
            status.catch(() => cache.delete(key)); // a failed read is not remembered
            while (cache.size > maxEntries) cache.delete(cache.keys().next().value!);
          }
          out[i] = await status;
        }
      };
      await Promise.all(Array.from({ length: Math.min(o.concurrency ?? 4, records.length) }, worker));
      return out;
    },
  };
}

export interface ReuseDeps { db: Db; store: ObjectStore; signatures: SignatureChecker; verify: VerifyPdf }

/** Who reuses: as the audit trail names them, why (X-Purpose), where they may read, and the key or unit behind them. */
export interface Reuser { actor: string; purpose: string; units: UnitScope; apiKeyId: string | null; unitId: string | null }

export interface ReuseQuery { owner: string; procedure?: string | null; components?: readonly string[] | null; issuedAfter?: string | null }

export interface ReuseResult {
  recordId: string; dossier: string; procedure: string; component: string; componentName: string | null;
  documentNumber: string | null; issuedAt: string | null; pages: number; signature: SignatureStatus; retainUntil: string | null; pdf: string;
}

export const reusePdfPath = (recordId: string) => `/api/v1/reuse/results/${recordId}/pdf`;

/** The date each record was issued, as its archival description says (an archivist's correction wins over the guess). */
async function issuedDates(db: Queryable, ids: readonly string[]): Promise<Map<string, string | null>> {
  if (ids.length === 0) return new Map();
  return new Map((await documentDescriptions(db, ids)).map((d) => [d.record.id as string, d.description.IssuedDate]));
}

/**
 * The owner's reusable records in the reuser's units, each with its signature status verified now; `issuedAfter`
 * keeps those issued after that day (a record whose issue date is unknown is left out then). The lookup is in the
 * audit trail (one row per unit whose records were shown, else one for the reuser's unit) and each record shown
 * in record_reuses (kind lookup).
 */
export async function lookupResults(deps: ReuseDeps, q: ReuseQuery, by: Reuser): Promise<{ owner: string; results: ReuseResult[] }> {
  const rows = await repo.reusableRecords(deps.db, { owner: q.owner, units: by.units, today: vietnamDay(new Date()), procedure: q.procedure, components: q.components });
  const issued = await issuedDates(deps.db, rows.map((r) => r.id));
  const kept = rows.filter((r) => !q.issuedAfter || (issued.get(r.id) ?? '') > q.issuedAfter);
  const statuses = await deps.signatures.statuses(deps.store, kept, deps.verify);
  const results: ReuseResult[] = kept.map((r, i) => ({
    recordId: r.id, dossier: r.dossier_code, procedure: r.procedure_code, component: r.component_code, componentName: r.component_name,
    documentNumber: r.document_number, issuedAt: issued.get(r.id) ?? null, pages: r.pages, signature: statuses[i]!, retainUntil: r.retain_until,
    pdf: reusePdfPath(r.id),
  }));

  const query = { procedure: q.procedure ?? null, components: q.components ?? null, issuedAfter: q.issuedAfter ?? null };
  const byUnit = new Map<string | null, string[]>();
  for (const r of kept) byUnit.set(r.unit_id, [...(byUnit.get(r.unit_id) ?? []), r.id]);
  if (byUnit.size === 0) byUnit.set(by.unitId, []);
  await withTransaction(deps.db, async (tx) => {
    for (const [unitId, records] of byUnit) {
      await recordAudit(tx, { actor: by.actor, purpose: by.purpose, action: 'reuse.lookup', subjectType: 'owner', subjectId: q.owner, unitId, detail: { records, query } });
    }
    await repo.recordReuses(tx, kept.map((r) => ({
      recordId: r.id, kind: 'lookup', apiKeyId: by.apiKeyId, actor: by.actor, reusingUnitId: by.unitId, reusingDossierCode: null, purpose: by.purpose,
    })));
  });
  return { owner: q.owner, results };
}

/** The signed PDF of a record the reuser could look up (404 otherwise), audited and counted (kind download). */
export async function reuseDownload(deps: Pick<ReuseDeps, 'db' | 'store'>, recordId: string, by: Reuser): Promise<{ pdf: Buffer; sha256: string }> {
  const [row] = await repo.reusableRecords(deps.db, { owner: null, units: by.units, today: vietnamDay(new Date()), recordId, limit: 1 });
  if (!row) throw new AppError('not-found', 'no reusable record with that id', 404);
  const pdf = await deps.store.get(row.object_key);
  await withTransaction(deps.db, async (tx) => {
    await recordAudit(tx, {
      actor: by.actor, purpose: by.purpose, action: 'reuse.download', subjectType: 'record', subjectId: row.id, unitId: row.unit_id,
      detail: { owner: row.owner_identifier },
    });
    await repo.recordReuses(tx, [{ recordId: row.id, kind: 'download', apiKeyId: by.apiKeyId, actor: by.actor, reusingUnitId: by.unitId, reusingDossierCode: null, purpose: by.purpose }]);
  });
  return { pdf, sha256: row.sha256 };
}

export interface OnFileRecord { recordId: string; dossier: string; unit: string; issuedAt: string | null; retainUntil: string | null }

export interface CompletenessComponent {
  code: string; name: string; required: boolean;
  /** present/uncertain/missing as scanned into the dossier (matching's completeness); reused: it took an on-file record instead. */
  state: 'present' | 'uncertain' | 'missing' | 'reused';
  documentIds: string[];
  reusedRecordId: string | null;
  /** The owner's records of this component, with a valid signature, in the units the caller may read. */
  onFile: OnFileRecord[];
}

export interface DossierCompleteness {
  dossier: string; procedure: string | null; owner: string | null;
  components: CompletenessComponent[];
  /** Required components on file in reusable form that the dossier has neither scanned nor taken yet, with the record ids. */
  onFile: { component: string; records: string[] }[];
  /** Required components the dossier lacks, nothing reusable on file: the citizen must bring them. */
  mustBring: string[];
}

/** Where a completeness answer looks: the dossier within `dossierUnits`, the owner's records within `recordUnits`. */
export interface CompletenessCaller { actor: string; purpose: string | null; dossierUnits: UnitScope; recordUnits: UnitScope }

export async function dossierCompleteness(deps: ReuseDeps, code: string, by: CompletenessCaller): Promise<DossierCompleteness> {
  const dossier = await repo.dossierToComplete(deps.db, code, by.dossierUnits);
  if (!dossier) throw new AppError('not-found', `dossier ${code} not found`, 404);
  const answer = await completenessOf(deps, dossier, by.recordUnits);
  await recordAudit(deps.db, {
    actor: by.actor, purpose: by.purpose, action: 'reuse.completeness', subjectType: 'dossier', subjectId: dossier.id, unitId: dossier.unit_id,
    detail: { code, owner: dossier.owner_identifier, onFile: answer.onFile },
  });
  return answer;
}

async function completenessOf(deps: ReuseDeps, dossier: repo.DossierToComplete, recordUnits: UnitScope): Promise<DossierCompleteness> {
  const components = dossier.procedure_code ? await repo.componentsOfProcedure(deps.db, dossier.catalog_version_id, dossier.procedure_code) : [];
  const scanned = completeness(components, await repo.documentsOfDossier(deps.db, dossier.id));
  const reused = new Map((await repo.reusedByDossier(deps.db, dossier.code)).map((r) => [r.component_code, r.record_id]));

  const onFileBy = new Map<string, OnFileRecord[]>();
  if (dossier.owner_identifier && components.length) {
    const rows = (await repo.reusableRecords(deps.db, {
      owner: dossier.owner_identifier, units: recordUnits, today: vietnamDay(new Date()), components: components.map((c) => c.code),
    })).filter((r) => r.dossier_id !== dossier.id);
    const statuses = await deps.signatures.statuses(deps.store, rows, deps.verify);
    const valid = rows.filter((_, i) => statuses[i] === 'valid');
    const issued = await issuedDates(deps.db, valid.map((r) => r.id));
    for (const r of valid) {
      onFileBy.set(r.component_code, [...(onFileBy.get(r.component_code) ?? []), {
        recordId: r.id, dossier: r.dossier_code, unit: r.unit_code, issuedAt: issued.get(r.id) ?? null, retainUntil: r.retain_until,
      }]);
    }
  }

  const items: CompletenessComponent[] = scanned.map((c) => {
    const reusedRecordId = reused.get(c.code) ?? null;
    return {
      code: c.code, name: c.name, required: c.required, state: c.state === 'missing' && reusedRecordId ? 'reused' : c.state,
      documentIds: c.documentIds, reusedRecordId, onFile: onFileBy.get(c.code) ?? [],
    };
  });
  const required = items.filter((c) => c.required);
  return {
    dossier: dossier.code, procedure: dossier.procedure_code, owner: dossier.owner_identifier, components: items,
    onFile: required.filter((c) => c.state === 'missing' && c.onFile.length).map((c) => ({ component: c.code, records: c.onFile.map((r) => r.recordId) })),
    mustBring: required.filter((c) => c.state === 'missing' && c.onFile.length === 0).map((c) => c.code),
  };
}

/**
 * The dossier takes an on-file record in place of the paper for `component` (default: the record's own component):
 * the record must be the dossier owner's, reusable, with a valid signature, in the caller's record units, and the
 * component one of the dossier's procedure. Recorded in record_reuses (kind dossier) and the audit trail; taking the
 * same record for the same component again changes nothing.
 */
export async function attachReused(
  deps: ReuseDeps, code: string, o: { recordId: string; component?: string | null },
  by: CompletenessCaller & { apiKeyId: string | null },
): Promise<DossierCompleteness> {
  const dossier = await repo.dossierToComplete(deps.db, code, by.dossierUnits);
  if (!dossier) throw new AppError('not-found', `dossier ${code} not found`, 404);
  if (!dossier.owner_identifier) throw new AppError('owner-unknown', `dossier ${code} has no owner identifier yet: nothing of theirs can be taken`, 409);
  const [record] = await repo.reusableRecords(deps.db, { owner: dossier.owner_identifier, units: by.recordUnits, today: vietnamDay(new Date()), recordId: o.recordId, limit: 1 });
  if (!record || record.dossier_id === dossier.id) throw new AppError('not-found', 'no reusable record of this owner with that id', 404);
  const component = o.component ?? record.component_code;
  const components = dossier.procedure_code ? await repo.componentsOfProcedure(deps.db, dossier.catalog_version_id, dossier.procedure_code) : [];
  if (!components.some((c) => c.code === component)) {
    throw new AppError('unknown-component', `procedure ${dossier.procedure_code ?? '(not known yet)'} has no component ${component}`, 422);
  }
  const [status] = await deps.signatures.statuses(deps.store, [record], deps.verify);
  if (status !== 'valid') throw new AppError('signature-not-valid', `record ${record.id}: its signature is ${status}, it cannot stand in for a paper`, 409);

  await withTransaction(deps.db, async (tx) => {
    const locked = await repo.dossierToComplete(tx, code, by.dossierUnits, true);
    if (!locked) throw new AppError('not-found', `dossier ${code} not found`, 404);
    if ((await repo.reusedByDossier(tx, code)).some((r) => r.component_code === component)) return; // already taken for it
    await repo.recordReuses(tx, [{
      recordId: record.id, kind: 'dossier', apiKeyId: by.apiKeyId, actor: by.actor, reusingUnitId: dossier.unit_id, reusingDossierCode: dossier.code,
      purpose: by.purpose ?? `dossier ${dossier.code}`, componentCode: component,
    }]);
    await recordAudit(tx, {
      actor: by.actor, purpose: by.purpose, action: 'reuse.dossier', subjectType: 'dossier', subjectId: dossier.id, unitId: dossier.unit_id,
      detail: { code, record: record.id, recordUnit: record.unit_code, component, owner: dossier.owner_identifier },
    });
  });
  return completenessOf(deps, dossier, by.recordUnits);
}
