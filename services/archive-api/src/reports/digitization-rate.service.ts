/**
 * The digitization-rate report for a caller (docs/digitization-rate.md): which units it may see (reports:read),
 * the counting (repository), the arithmetic (pure core), and the spreadsheet.
 */
import { AppError, unitFilter, type Caller, type Queryable } from '@sohoa/shared';
import { digitizationReport, periodCount, type GroupBy, type ReportRow } from './digitization-rate.ts';
import { countDigitization, procedureNames } from './digitization-rate.repository.ts';
import { reportScope } from './report-scope.ts';
import { digitizationXlsx } from './digitization-rate-export.ts';

export interface DigitizationQuery {
  /** A unit code: that unit and the units below it the caller reaches; absent: every unit the caller reaches. */
  unit?: string;
  from: string;
  to: string;
  groupBy: GroupBy;
  byProcedure: boolean;
}

/** Past this many rows the caller is asked for a coarser grouping or a shorter range. */
export const MAX_REPORT_ROWS = 50_000;

export interface DigitizationReport {
  rows: ReportRow[];
  /** The same report per procedure and the summary with depths, for the spreadsheet. */
  spreadsheet: () => Promise<Buffer>;
}

export async function digitizationRateReport(db: Queryable, caller: Caller, q: DigitizationQuery): Promise<DigitizationReport> {
  const reach = unitFilter(caller, 'reports:read'); // 403 when held nowhere
  if (q.from > q.to) throw new AppError('invalid-input', 'from comes after to', 422, { fields: [{ field: 'from', message: 'from comes after to' }] });
  const { units, order, counted } = await reportScope(db, reach, q.unit);
  const periods = periodCount(q.from, q.to, q.groupBy);
  if (order.length * periods > MAX_REPORT_ROWS) {
    throw new AppError('report-too-large', `${order.length} unit(s) × ${periods} period(s) is more than ${MAX_REPORT_ROWS} rows: group by a longer period, or ask for a shorter range or one unit`, 422);
  }
  const counts = await countDigitization(db, { unitIds: counted, from: q.from, to: q.to, groupBy: q.groupBy });
  const shown = order.map((o) => o.id);
  const base = { units, shown, counts, from: q.from, to: q.to, groupBy: q.groupBy };
  const rows = digitizationReport({ ...base, byProcedure: q.byProcedure });
  const generatedAt = new Date();
  return {
    rows,
    spreadsheet: async () => {
      const totals = q.byProcedure ? digitizationReport({ ...base, byProcedure: false }) : rows;
      const perProcedure = q.byProcedure ? rows : digitizationReport({ ...base, byProcedure: true });
      const depth = new Map(order.map((o) => [units.find((u) => u.id === o.id)!.code, o.depth]));
      const names = await procedureNames(db, [...new Set(perProcedure.map((r) => r.procedure).filter((p): p is string => !!p))]);
      return digitizationXlsx({
        from: q.from, to: q.to, groupBy: q.groupBy, generatedAt, procedureNames: names,
        totals: totals.map((r) => ({ ...r, depth: depth.get(r.unit) ?? 0 })), perProcedure,
      });
    },
  };
}
