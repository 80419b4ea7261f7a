/** The queue and throughput for a caller (reports:read): which units it sees, the counting, the roll-up. */
import { AppError, subtreeOf, unitFilter, type Caller, type Queryable } from '@sohoa/shared';
import { treeOrder } from './digitization-rate.ts';
import { reportUnits } from './digitization-rate.repository.ts';
import { countArchived, countWaiting } from './pipeline.repository.ts';
import { hourStarts, pipelineReport, type PipelineRow } from './pipeline.ts';

/** The throughput window: the last day, hour by hour. */
export const PIPELINE_HOURS = 24;

export async function pipelineStatus(db: Queryable, caller: Caller, q: { unit?: string; now?: Date }): Promise<PipelineRow[]> {
  const reach = unitFilter(caller, 'reports:read'); // 403 when held nowhere
  const units = await reportUnits(db);
  let candidates: Set<string> = new Set(units.map((u) => u.id));
  if (q.unit) {
    const unit = units.find((u) => u.code === q.unit);
    if (!unit || (reach !== null && !reach.includes(unit.id))) throw new AppError('not-found', 'unit not found', 404);
    candidates = subtreeOf(units, unit.id);
  }
  const shown = new Set([...candidates].filter((id) => reach === null || reach.includes(id)));
  const order = treeOrder(units, shown).map((o) => o.id);
  const counted = new Set<string>();
  for (const id of shown) for (const below of subtreeOf(units, id)) counted.add(below);
  const now = q.now ?? new Date();
  const [waiting, archived] = await Promise.all([
    countWaiting(db, [...counted]),
    countArchived(db, [...counted], hourStarts(now, PIPELINE_HOURS)[0]!),
  ]);
  return pipelineReport({ units, shown: order, waiting, archived, now, hours: PIPELINE_HOURS });
}
