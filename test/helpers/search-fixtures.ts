import { randomUUID } from 'node:crypto';
import { withTransaction, type Db } from '@sohoa/shared';

/**
 * Records written straight into the records table, for search tests and the search benchmark: the search reads
 * records only, so the rows upstream (documents, batches) are not made. Foreign keys are not checked for these
 * inserts (session_replication_role = replica skips their triggers); everything else, the generated search vector
 * included, is PostgreSQL's own.
 */
export interface FixtureRecord {
  id?: string;
  unitId: string;
  unitCode?: string;
  title: string;
  dossier?: string;
  procedure?: string;
  procedureName?: string;
  component?: string | null;
  componentName?: string | null;
  owner?: string | null;
  fullName?: string | null;
  documentNumber?: string | null;
  pages: string[];
  createdAt?: string; // ISO
  retentionYears?: number | null;
  retainUntil?: string | null;
  legalHold?: boolean;
  /** Listed by the nightly disposition scan on that day (records.due_since). */
  dueSince?: string | null;
  documentId?: string;
  dossierId?: string;
}

export const fixtureMetadata = (r: FixtureRecord, id: string) => ({
  recordId: id, dossierCode: r.dossier ?? '000.00.00.H00-251121-0001', procedureCode: r.procedure ?? 'KS', procedureName: r.procedureName ?? null,
  componentCode: r.component ?? null, componentName: r.componentName ?? null, unitCode: r.unitCode ?? '', unitName: '',
  ownerIdentifier: r.owner ?? null, title: r.title, documentNumber: r.documentNumber ?? null, fields: { fullName: r.fullName ?? null },
});

const COLUMNS = ['id', 'document_id', 'dossier_id', 'unit_id', 'bucket', 'object_key', 'sha256', 'size', 'page_count', 'metadata', 'text',
  'retention_years', 'retain_until', 'legal_hold', 'created_at', 'owner_identifier', 'permanent', 'retention_from', 'due_since'] as const;
const TYPES = ['uuid', 'uuid', 'uuid', 'uuid', 'text', 'text', 'text', 'bigint', 'int', 'jsonb', 'text', 'int', 'date', 'boolean', 'timestamptz', 'text', 'boolean', 'date', 'date'];

/** Inserts the records in one statement (arrays unnested: thousands of rows per round trip). Returns their ids. */
export async function insertFixtureRecords(db: Db, records: readonly FixtureRecord[]): Promise<string[]> {
  const columns: unknown[][] = COLUMNS.map(() => []);
  const ids: string[] = [];
  for (const r of records) {
    const id = r.id ?? randomUUID();
    ids.push(id);
    const row = [
      id, r.documentId ?? randomUUID(), r.dossierId ?? randomUUID(), r.unitId, 'sohoa', `records/${id}.pdf`, '0'.repeat(64), 1000, r.pages.length,
      JSON.stringify(fixtureMetadata(r, id)), r.pages.join('\f'), r.retentionYears ?? null, r.retainUntil ?? null, r.legalHold ?? false,
      r.createdAt ?? new Date().toISOString(), r.owner ?? null, (r.retainUntil ?? null) === null, (r.createdAt ?? new Date().toISOString()).slice(0, 10),
      r.dueSince ?? null,
    ];
    row.forEach((v, i) => columns[i]!.push(v));
  }
  await withTransaction(db, async (tx) => {
    await tx.query('SET LOCAL session_replication_role = replica');
    await tx.query(`INSERT INTO records (${COLUMNS.join(', ')}) SELECT * FROM unnest(${TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})`, columns);
  });
  return ids;
}
