/** Domain types shared by the services (the project brief's domain notes, ../shared/domain.md beside the checkout, have the words). */

export type Retention = 'permanent' | { years: number };

export interface CatalogComponent {
  code: string;
  name: string;
  required?: boolean;
  retention: Retention;
  /** Other titles the paper is known by (colloquial, older or longer official ones). */
  aliases?: string[];
  /** Numbers of the printed forms it comes on, as printed above the title ("Mẫu số 01", "Phụ lục III-1"). */
  formNumbers?: string[];
}

export interface CatalogProcedure {
  code: string;
  name: string;
  level?: string;
  components: CatalogComponent[];
  results?: CatalogComponent[];
}

export interface Catalog {
  version: number;
  note?: string;
  procedures: CatalogProcedure[];
}

export type BatchStatus = 'queued' | 'processing' | 'done' | 'failed';

/** Metadata carried with a digitized document (../shared/domain.md beside the checkout, "What a digitized paper must be"). */
export interface RecordMetadata {
  recordId: string;
  dossierCode: string;
  procedureCode: string;
  /** The procedure's name in the catalog (searched); absent on records archived before it was kept. */
  procedureName?: string | null;
  componentCode: string | null;
  componentName: string | null;
  unitCode: string;
  unitName: string;
  ownerIdentifier: string | null;
  title: string;
  documentNumber: string | null;
  /** What was read off the paper: identifiers, names, dates (ISO), document number. */
  fields: Record<string, unknown>;
  pageCount: number;
  blankPagesDropped: number;
  language: 'vi';
  digitizedBy: string;
  digitizedAt: string;
  sha256: string;
  retention: Retention;
  retainUntil: string | null;
  legalHold: boolean;
}

/** Retention counts from the year the work ended: retain until 31 Dec of (that year + years). */
export function retainUntil(retention: Retention, workEnded: Date): string | null {
  if (retention === 'permanent') return null;
  return `${workEnded.getUTCFullYear() + retention.years}-12-31`;
}
