/** Catalog → the candidates a document is matched against. */
import type { ComponentCandidate } from './types.ts';

export interface CatalogLike {
  procedures: Array<{
    code: string;
    components: Array<{ code: string; name: string; required?: boolean; aliases?: string[]; formNumbers?: string[] }>;
    results?: Array<{ code: string; name: string; aliases?: string[]; formNumbers?: string[] }>;
  }>;
}

const extras = (c: { aliases?: string[]; formNumbers?: string[] }): Pick<ComponentCandidate, 'aliases' | 'formNumbers'> => ({
  aliases: (c.aliases ?? []).map((a) => a.normalize('NFC')),
  formNumbers: (c.formNumbers ?? []).map((n) => n.normalize('NFC')),
});

/**
 * Components (and, with `results`, the results) of one procedure, or of every procedure when the
 * procedure is not known (a batch without a receipt).
 */
export function candidatesFromCatalog(catalog: CatalogLike, procedureCode?: string | null, options: { results?: boolean } = {}): ComponentCandidate[] {
  const procedures = procedureCode ? catalog.procedures.filter((p) => p.code === procedureCode) : catalog.procedures;
  return procedures.flatMap((p) => [
    ...p.components.map((c) => ({ procedureCode: p.code, code: c.code, name: c.name.normalize('NFC'), kind: 'component' as const, required: c.required ?? false, ...extras(c) })),
    ...(options.results ? (p.results ?? []).map((r) => ({ procedureCode: p.code, code: r.code, name: r.name.normalize('NFC'), kind: 'result' as const, required: false, ...extras(r) })) : []),
  ]);
}
