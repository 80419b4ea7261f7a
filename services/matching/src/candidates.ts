/** Catalog → the candidates a document is matched against. */
import type { ComponentCandidate } from './types.ts';

export interface CatalogLike {
  procedures: Array<{
    code: string;
    components: Array<{ code: string; name: string; required?: boolean }>;
    results?: Array<{ code: string; name: string }>;
  }>;
}

/**
 * Components (and, with `results`, the results) of one procedure, or of every procedure when the
 * procedure is not known (a batch without a receipt).
 */
export function candidatesFromCatalog(catalog: CatalogLike, procedureCode?: string | null, options: { results?: boolean } = {}): ComponentCandidate[] {
  const procedures = procedureCode ? catalog.procedures.filter((p) => p.code === procedureCode) : catalog.procedures;
  return procedures.flatMap((p) => [
    ...p.components.map((c) => ({ procedureCode: p.code, code: c.code, name: c.name.normalize('NFC'), kind: 'component' as const, required: c.required ?? false })),
    ...(options.results ? (p.results ?? []).map((r) => ({ procedureCode: p.code, code: r.code, name: r.name.normalize('NFC'), kind: 'result' as const, required: false })) : []),
  ]);
}
