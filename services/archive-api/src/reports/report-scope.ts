/** Which units a report (the digitization rate, the pipeline) shows to a caller, and which it counts. */
import { AppError, subtreeOf, type Queryable } from '@sohoa/shared';
import { treeOrder, type ReportUnit } from './digitization-rate.ts';
import { reportUnits } from './digitization-rate.repository.ts';

export interface ReportScope {
  units: ReportUnit[];
  /** The units shown, in tree order, with their depth below the top one shown. */
  order: { id: string; depth: number }[];
  /** Every unit below a shown one: a shown unit's figures are its whole subtree's (aggregates, no one's data). */
  counted: string[];
}

/**
 * `unitCode`'s subtree (absent: every unit), cut to what the caller reaches (`reach`: unitFilter's answer for
 * reports:read, null for everywhere). A unit out of reach answers as a missing one: its existence does not leak.
 */
export async function reportScope(db: Queryable, reach: readonly string[] | null, unitCode?: string): Promise<ReportScope> {
  const units = await reportUnits(db);
  let candidates: Set<string> = new Set(units.map((u) => u.id));
  if (unitCode) {
    const unit = units.find((u) => u.code === unitCode);
    if (!unit || (reach !== null && !reach.includes(unit.id))) throw new AppError('not-found', 'unit not found', 404);
    candidates = subtreeOf(units, unit.id);
  }
  const reached = reach === null ? null : new Set(reach);
  const shown = new Set([...candidates].filter((id) => reached === null || reached.has(id)));
  const counted = new Set<string>();
  for (const id of shown) for (const below of subtreeOf(units, id)) counted.add(below);
  return { units, order: treeOrder(units, shown), counted: [...counted] };
}
