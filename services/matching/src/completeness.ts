/**
 * Per dossier: which of the procedure's components are there. A component is present when a
 * document assigned to it was confirmed by a clerk or matched without review, uncertain when its
 * only documents still wait for review, missing when no document is assigned to it.
 */
import type { CompletenessItem, ComponentState } from './types.ts';

export function completeness(
  components: { code: string; name: string; required: boolean }[],
  documents: { id: string; componentCode: string | null; needsReview: boolean; confirmed: boolean }[],
): CompletenessItem[] {
  return components.map((component) => {
    const mine = documents.filter((d) => d.componentCode === component.code);
    const settled = mine.some((d) => d.confirmed || !d.needsReview);
    const state: ComponentState = settled ? 'present' : mine.length ? 'uncertain' : 'missing';
    return { code: component.code, name: component.name, required: component.required, state, documentIds: mine.map((d) => d.id) };
  });
}
