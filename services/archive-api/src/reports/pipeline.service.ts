/** The queue and throughput for a caller (reports:read): which units it sees, the counting, the roll-up. */
import { unitFilter, type Caller, type Queryable } from '@sohoa/shared';
import { reportScope } from './report-scope.ts';
import { countArchived, countWaiting } from './pipeline.repository.ts';
import { hourStarts, pipelineReport, type PipelineRow } from './pipeline.ts';

/** The throughput window: the last day, hour by hour. */
export const PIPELINE_HOURS = 24;

export async function pipelineStatus(db: Queryable, caller: Caller, q: { unit?: string; now?: Date }): Promise<PipelineRow[]> {
  const { units, order, counted } = await reportScope(db, unitFilter(caller, 'reports:read'), q.unit); // 403 when held nowhere
  const now = q.now ?? new Date();
  const [waiting, archived] = await Promise.all([
    countWaiting(db, counted),
    countArchived(db, counted, hourStarts(now, PIPELINE_HOURS)[0]!),
  ]);
  return pipelineReport({ units, shown: order.map((o) => o.id), waiting, archived, now, hours: PIPELINE_HOURS });
}
