/**
 * The digitization-rate report's arithmetic (docs/digitization-rate.md): from the counts SQL made per unit, period
 * and procedure to the rows inspectors read. No I/O: the repository counts, this adds up the unit tree, computes
 * the rates and compares them with each unit's target.
 */

export const groupings = ['day', 'month', 'quarter', 'year'] as const;
export type GroupBy = (typeof groupings)[number];

/** What SQL counted for one unit's own dossiers received in one period (and of one procedure). */
export interface CountedRow {
  unitId: string;
  /** The first day of the period (Vietnam calendar), `YYYY-MM-DD`. */
  periodStart: string;
  /** null: a dossier whose procedure is not known yet. */
  procedure: string | null;
  received: number;
  componentsDigitized: number;
  resultsDigitized: number;
  reused: number;
}

export interface ReportUnit {
  id: string; code: string; name: string; parentId: string | null;
  /** The unit's target in thousandths (800 = 80 %): kept as an integer so "met" is exact. */
  targetMillis: number;
}

export interface ReportRow {
  unit: string;
  unitName: string;
  /** `2026-11-05`, `2026-11`, `2026-Q4` or `2026`. */
  period: string;
  /** Present only in the per-procedure breakdown; null for dossiers whose procedure is not known yet. */
  procedure?: string | null;
  received: number;
  componentsDigitized: number;
  resultsDigitized: number;
  reused: number;
  /** componentsDigitized / received: the rate held against the target; null when nothing was received. */
  rate: number | null;
  resultsRate: number | null;
  /** reused / resultsDigitized. */
  reuseRate: number | null;
  target: number;
  met: boolean | null;
}

export interface ReportInput {
  units: readonly ReportUnit[];
  /** The units to report on (ids), in the order their rows come; each rolls up its whole subtree. */
  shown: readonly string[];
  counts: readonly CountedRow[];
  from: string;
  to: string;
  groupBy: GroupBy;
  byProcedure: boolean;
}

/** A ratio rounded half up to 4 decimals (hundredths of a percent), in integers so 0.93475 never becomes 0.9347. */
export function ratio(numerator: number, denominator: number): number | null {
  if (denominator === 0) return null;
  return Math.floor((2 * numerator * 10_000 + denominator) / (2 * denominator)) / 10_000;
}

/** Whether the received dossiers' rate reaches the target, compared exactly (no rounding). */
export const targetMet = (digitized: number, received: number, targetMillis: number): boolean | null =>
  received === 0 ? null : digitized * 1000 >= targetMillis * received;

const pad = (n: number) => String(n).padStart(2, '0');
const dayOf = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
const parseDay = (day: string) => new Date(`${day}T00:00:00Z`);

/** The label of the period a day (`YYYY-MM-DD`) falls in. */
export function periodOf(day: string, groupBy: GroupBy): string {
  const [year, month] = [day.slice(0, 4), Number(day.slice(5, 7))];
  if (groupBy === 'day') return day.slice(0, 10);
  if (groupBy === 'month') return day.slice(0, 7);
  if (groupBy === 'quarter') return `${year}-Q${Math.ceil(month / 3)}`;
  return year;
}

/** Every period touching [from, to] (days, inclusive), in order. */
export function periodsBetween(from: string, to: string, groupBy: GroupBy): string[] {
  const out: string[] = [];
  const end = parseDay(to);
  for (let d = parseDay(from); d <= end;) {
    const label = periodOf(dayOf(d), groupBy);
    if (out[out.length - 1] !== label) out.push(label);
    if (groupBy === 'day') d.setUTCDate(d.getUTCDate() + 1);
    else d = new Date(Date.UTC(d.getUTCFullYear() + (groupBy === 'year' ? 1 : 0), groupBy === 'year' ? 0 : d.getUTCMonth() + (groupBy === 'quarter' ? 3 - (d.getUTCMonth() % 3) : 1), 1));
  }
  return out;
}

/** How many periods of that kind touch [from, to]: to refuse an oversized report before counting. */
export const periodCount = (from: string, to: string, groupBy: GroupBy) => periodsBetween(from, to, groupBy).length;

interface Sums { received: number; componentsDigitized: number; resultsDigitized: number; reused: number }
const zero = (): Sums => ({ received: 0, componentsDigitized: 0, resultsDigitized: 0, reused: 0 });
function add(into: Sums, c: Sums): void {
  into.received += c.received;
  into.componentsDigitized += c.componentsDigitized;
  into.resultsDigitized += c.resultsDigitized;
  into.reused += c.reused;
}

/**
 * The report's rows: for each shown unit (its counts summed over the unit and every unit below it: sums of counts,
 * never averages of rates) and each period — every period of the range for the totals, only those with dossiers for
 * the per-procedure breakdown (ordered by procedure code, the unknown procedure last).
 */
export function digitizationReport(input: ReportInput): ReportRow[] {
  const byId = new Map(input.units.map((u) => [u.id, u]));
  const shown = new Set(input.shown);
  // Each count goes to its own unit and every shown unit above it (a cycle in bad data is walked once).
  const sums = new Map<string, Map<string, Map<string | null, Sums>>>();
  for (const c of input.counts) {
    const period = periodOf(c.periodStart, input.groupBy);
    const seen = new Set<string>();
    for (let id: string | null = c.unitId; id && !seen.has(id); id = byId.get(id)?.parentId ?? null) {
      seen.add(id);
      if (!shown.has(id)) continue;
      const periods = sums.get(id) ?? new Map<string, Map<string | null, Sums>>();
      sums.set(id, periods);
      const procedures = periods.get(period) ?? new Map<string | null, Sums>();
      periods.set(period, procedures);
      const key = input.byProcedure ? c.procedure : null;
      const s = procedures.get(key) ?? zero();
      procedures.set(key, s);
      add(s, c);
    }
  }
  const periods = periodsBetween(input.from, input.to, input.groupBy);
  const rows: ReportRow[] = [];
  for (const id of input.shown) {
    const unit = byId.get(id);
    if (!unit) continue;
    for (const period of periods) {
      const procedures = sums.get(id)?.get(period);
      const keys = input.byProcedure
        ? [...(procedures?.keys() ?? [])].sort((a, b) => (a === null ? 1 : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0))
        : [null];
      for (const key of keys) {
        const s = procedures?.get(key) ?? zero();
        rows.push({
          unit: unit.code, unitName: unit.name, period, ...(input.byProcedure ? { procedure: key } : {}),
          ...s,
          rate: ratio(s.componentsDigitized, s.received),
          resultsRate: ratio(s.resultsDigitized, s.received),
          reuseRate: ratio(s.reused, s.resultsDigitized),
          target: unit.targetMillis / 1000,
          met: targetMet(s.componentsDigitized, s.received, unit.targetMillis),
        });
      }
    }
  }
  return rows;
}

/**
 * The shown units in tree order (depth first, children by code), each with its depth below the first shown
 * ancestor: how the spreadsheet indents them.
 */
export function treeOrder(units: readonly ReportUnit[], shown: ReadonlySet<string>): { id: string; depth: number }[] {
  const byId = new Map(units.map((u) => [u.id, u]));
  const children = new Map<string | null, ReportUnit[]>();
  for (const u of [...units].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))) {
    const parent = u.parentId && byId.has(u.parentId) ? u.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), u]);
  }
  const out: { id: string; depth: number }[] = [];
  const visited = new Set<string>();
  const walk = (parent: string | null, depth: number) => {
    for (const u of children.get(parent) ?? []) {
      if (visited.has(u.id)) continue;
      visited.add(u.id);
      const isShown = shown.has(u.id);
      if (isShown) out.push({ id: u.id, depth });
      walk(u.id, isShown ? depth + 1 : depth);
    }
  };
  walk(null, 0);
  return out;
}
