import { scopeParam, type Queryable, type UnitScope } from '@sohoa/shared';

/** One reuse of a digitized record: a lookup or download by another system, or a later dossier taking it. */
export interface RecordReuse {
  recordId: string;
  kind: 'lookup' | 'download' | 'dossier';
  apiKeyId: string | null;
  actor: string;
  reusingUnitId: string | null;
  reusingDossierCode: string | null;
  purpose: string;
  /** kind dossier: the component of the later dossier's procedure the record stands for. */
  componentCode?: string | null;
}

/** The one writer of record_reuses; the digitization-rate report counts "results reused" from these rows. */
export async function recordReuses(db: Queryable, reuses: readonly RecordReuse[]): Promise<void> {
  if (reuses.length === 0) return;
  await db.query(
    `INSERT INTO record_reuses (record_id, kind, api_key_id, actor, reusing_unit_id, reusing_dossier_code, purpose, component_code)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::uuid[], $6::text[], $7::text[], $8::text[])`,
    [
      reuses.map((r) => r.recordId), reuses.map((r) => r.kind), reuses.map((r) => r.apiKeyId), reuses.map((r) => r.actor),
      reuses.map((r) => r.reusingUnitId), reuses.map((r) => r.reusingDossierCode), reuses.map((r) => r.purpose),
      reuses.map((r) => r.componentCode ?? null),
    ],
  );
}

/** A record another system or dossier may reuse: a document of a known component, not disposed of, still kept. */
export interface ReusableRow {
  id: string; unit_id: string; unit_code: string; dossier_id: string; dossier_code: string; procedure_code: string; component_code: string;
  component_name: string | null; document_number: string | null; pages: number; retain_until: string | null;
  object_key: string; sha256: string; owner_identifier: string | null;
}

/**
 * The owner's reusable records within `units` (null: every unit): kind document, with a component, not disposed
 * of and not past its retain-until (`today`, Vietnam time). Oldest first; at most `limit`.
 */
export async function reusableRecords(db: Queryable, o: {
  owner: string | null; units: UnitScope; today: string; procedure?: string | null; components?: readonly string[] | null; recordId?: string | null; limit?: number;
}): Promise<ReusableRow[]> {
  const { rows } = await db.query<ReusableRow>(
    `SELECT r.id, r.unit_id, u.code AS unit_code, r.dossier_id, d.code AS dossier_code, r.procedure_code, r.component_code,
            coalesce(c.name, r.metadata->>'componentName') AS component_name, nullif(r.metadata->>'documentNumber', '') AS document_number,
            r.page_count AS pages, to_char(r.retain_until, 'YYYY-MM-DD') AS retain_until, r.object_key, r.sha256, r.owner_identifier
     FROM records r JOIN dossiers d ON d.id = r.dossier_id JOIN units u ON u.id = r.unit_id
     LEFT JOIN components c ON c.catalog_version_id = d.catalog_version_id AND c.procedure_code = r.procedure_code AND c.code = r.component_code
     WHERE r.kind = 'document' AND r.disposed_at IS NULL AND r.component_code IS NOT NULL AND r.component_code <> ''
       AND (r.retain_until IS NULL OR r.retain_until >= $1::date)
       AND ($2::text IS NULL OR r.owner_identifier = $2)
       AND ($3::uuid[] IS NULL OR r.unit_id = ANY($3))
       AND ($4::text IS NULL OR r.procedure_code = $4)
       AND ($5::text[] IS NULL OR r.component_code = ANY($5))
       AND ($6::uuid IS NULL OR r.id = $6)
     ORDER BY r.created_at, r.id
     LIMIT $7`,
    [o.today, o.owner, scopeParam(o.units), o.procedure ?? null, o.components ? [...o.components] : null, o.recordId ?? null, o.limit ?? 1000],
  );
  return rows;
}

export interface DossierToComplete {
  id: string; code: string; unit_id: string; procedure_code: string | null; catalog_version_id: number; owner_identifier: string | null;
}

/** A dossier within `units` (null: any), locked FOR UPDATE when asked (attaching a reused record). */
export async function dossierToComplete(db: Queryable, code: string, units: UnitScope, lock = false): Promise<DossierToComplete | null> {
  const { rows } = await db.query<DossierToComplete>(
    `SELECT d.id, d.code, d.unit_id, d.procedure_code, d.catalog_version_id,
            coalesce(d.owner_identifier, (
              SELECT x.fields->>'ownerIdentifier' FROM documents x WHERE x.dossier_id = d.id AND x.fields->>'ownerIdentifier' IS NOT NULL
              GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1)) AS owner_identifier
     FROM dossiers d WHERE d.code = $1 AND ($2::uuid[] IS NULL OR d.unit_id = ANY($2))${lock ? ' FOR UPDATE OF d' : ''}`,
    [code, scopeParam(units)],
  );
  return rows[0] ?? null;
}

/** The components (not results) of a procedure in a catalog version, in their order. */
export async function componentsOfProcedure(db: Queryable, catalogVersionId: number, procedureCode: string) {
  const { rows } = await db.query<{ code: string; name: string; required: boolean }>(
    `SELECT code, name, required FROM components WHERE catalog_version_id = $1 AND procedure_code = $2 AND kind = 'component' ORDER BY position`,
    [catalogVersionId, procedureCode],
  );
  return rows;
}

/** The dossier's scanned documents, as completeness() reads them. */
export async function documentsOfDossier(db: Queryable, dossierId: string) {
  const { rows } = await db.query<{ id: string; componentCode: string | null; needsReview: boolean; confirmed: boolean }>(
    `SELECT id, component_code AS "componentCode", status = 'review' AS "needsReview", confirmed_by IS NOT NULL AS confirmed
     FROM documents WHERE dossier_id = $1 AND kind = 'document' AND status NOT IN ('merged', 'failed') ORDER BY position, created_at`,
    [dossierId],
  );
  return rows;
}

/** The records a dossier took in place of papers (record_reuses kind dossier), the first per component. */
export async function reusedByDossier(db: Queryable, dossierCode: string) {
  const { rows } = await db.query<{ record_id: string; component_code: string; reused_at: Date; actor: string }>(
    `SELECT DISTINCT ON (component_code) record_id, component_code, reused_at, actor FROM record_reuses
     WHERE kind = 'dossier' AND reusing_dossier_code = $1 AND component_code IS NOT NULL ORDER BY component_code, reused_at, id`,
    [dossierCode],
  );
  return rows;
}
