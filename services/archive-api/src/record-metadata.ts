import type { RecordMetadata } from '@sohoa/shared';
import type { DocumentToArchive } from './archive.repository.ts';
import { recordRetention } from './retention.ts';

/**
 * The metadata a record carries (RecordMetadata in @sohoa/shared): pure, so the mapping is tested on plain data.
 * A document with no known component is kept permanently until someone decides otherwise: nothing is
 * destroyed by default.
 */
export function recordMetadata(doc: DocumentToArchive, o: { sha256: string; pageCount: number; archivedAt: Date }): RecordMetadata {
  // Archived while its file is still open: the retain-until is provisional until the file closes (retention.ts).
  const { retention, retainUntil } = recordRetention({ hasComponent: doc.has_component, retentionYears: doc.retention_years, fileClosedAt: null, archivedAt: o.archivedAt });
  return {
    recordId: doc.record_id,
    dossierCode: doc.dossier_code,
    procedureCode: doc.procedure_code ?? '',
    procedureName: doc.procedure_name,
    componentCode: doc.component_code,
    componentName: doc.component_name,
    unitCode: doc.unit_code,
    unitName: doc.unit_name,
    ownerIdentifier: doc.owner_identifier ?? doc.fields.ownerIdentifier ?? null,
    title: doc.component_name ?? doc.title ?? (doc.kind === 'receipt' ? 'Giấy tiếp nhận hồ sơ' : 'Tài liệu'),
    documentNumber: doc.fields.documentNumber ?? null,
    fields: { ...doc.fields },
    pageCount: o.pageCount,
    blankPagesDropped: doc.blank_pages,
    language: 'vi',
    digitizedBy: doc.created_by,
    digitizedAt: o.archivedAt.toISOString(),
    sha256: o.sha256,
    retention,
    retainUntil,
    legalHold: false,
  };
}

/** The S3 user metadata stored with the object, so the object alone still says what it is. */
export function objectMetadata(m: RecordMetadata): Record<string, string> {
  return {
    'record-id': m.recordId,
    'dossier-code': m.dossierCode,
    'procedure-code': m.procedureCode,
    'component-code': m.componentCode ?? '',
    'unit-code': m.unitCode,
    title: m.title,
    sha256: m.sha256,
    retention: m.retention === 'permanent' ? 'permanent' : `${m.retention.years}y`,
    'retain-until': m.retainUntil ?? 'permanent',
    'legal-hold': String(m.legalHold),
  };
}
