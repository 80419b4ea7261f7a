import { describe, expect, it } from 'vitest';
import { digitizationReport, periodOf, periodsBetween, ratio, targetMet, treeOrder, type CountedRow, type ReportUnit } from './digitization-rate.ts';
import { digitizationCsv } from './digitization-rate-export.ts';

const units: ReportUnit[] = [
  { id: 'd', code: 'D', name: 'Quận', parentId: null, targetMillis: 800 },
  { id: 'a', code: 'D.A', name: 'Phường A', parentId: 'd', targetMillis: 900 },
  { id: 'b', code: 'D.B', name: 'Phường B, cũ', parentId: 'd', targetMillis: 800 },
];
const count = (unitId: string, periodStart: string, procedure: string | null, received: number, componentsDigitized: number, resultsDigitized = 0, reused = 0): CountedRow =>
  ({ unitId, periodStart, procedure, received, componentsDigitized, resultsDigitized, reused });

describe('digitization rate arithmetic', () => {
  it('rounds a ratio half up at the fourth decimal, exactly, and has none without a denominator', () => {
    expect(ratio(43, 46)).toBe(0.9348); // 0.934782…
    expect(ratio(1, 3)).toBe(0.3333);
    expect(ratio(2, 3)).toBe(0.6667);
    expect(ratio(18695, 20000)).toBe(0.9348); // 0.93475: half up, not down by a float slip
    expect(ratio(0, 5)).toBe(0);
    expect(ratio(0, 0)).toBeNull();
  });

  it('meets the target exactly at it, and not a dossier under it', () => {
    expect(targetMet(4, 5, 800)).toBe(true); // 80 % of 80 %
    expect(targetMet(7, 9, 800)).toBe(false); // 77.78 %
    expect(targetMet(9, 10, 900)).toBe(true);
    expect(targetMet(0, 0, 800)).toBeNull();
  });

  it('labels periods and walks every period touching the range', () => {
    expect(periodOf('2026-11-30', 'day')).toBe('2026-11-30');
    expect(periodOf('2026-11-30', 'month')).toBe('2026-11');
    expect(periodOf('2026-11-30', 'quarter')).toBe('2026-Q4');
    expect(periodOf('2026-03-31', 'quarter')).toBe('2026-Q1');
    expect(periodOf('2026-11-30', 'year')).toBe('2026');
    expect(periodsBetween('2026-10-30', '2026-11-02', 'day')).toEqual(['2026-10-30', '2026-10-31', '2026-11-01', '2026-11-02']);
    expect(periodsBetween('2026-10-15', '2027-01-01', 'month')).toEqual(['2026-10', '2026-11', '2026-12', '2027-01']);
    expect(periodsBetween('2026-02-10', '2027-01-01', 'quarter')).toEqual(['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4', '2027-Q1']);
    expect(periodsBetween('2025-12-31', '2026-01-01', 'year')).toEqual(['2025', '2026']);
    expect(periodsBetween('2024-02-28', '2024-03-01', 'day')).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
  });

  it('rolls a parent up as sums of counts, not an average of rates, with each unit\'s own target', () => {
    const counts = [
      count('a', '2026-10-01', 'KS', 10, 9, 5, 2), // 90 %
      count('b', '2026-10-01', 'KS', 2, 0, 1, 0), // 0 %: the average of rates would be 45 %
      count('d', '2026-10-01', null, 1, 0), // the district's own, procedure not known yet
    ];
    const rows = digitizationReport({ units, shown: ['d', 'a', 'b'], counts, from: '2026-10-01', to: '2026-11-30', groupBy: 'month', byProcedure: false });
    expect(rows).toEqual([
      { unit: 'D', unitName: 'Quận', period: '2026-10', received: 13, componentsDigitized: 9, resultsDigitized: 6, reused: 2, rate: 0.6923, resultsRate: 0.4615, reuseRate: 0.3333, target: 0.8, met: false },
      { unit: 'D', unitName: 'Quận', period: '2026-11', received: 0, componentsDigitized: 0, resultsDigitized: 0, reused: 0, rate: null, resultsRate: null, reuseRate: null, target: 0.8, met: null },
      { unit: 'D.A', unitName: 'Phường A', period: '2026-10', received: 10, componentsDigitized: 9, resultsDigitized: 5, reused: 2, rate: 0.9, resultsRate: 0.5, reuseRate: 0.4, target: 0.9, met: true },
      { unit: 'D.A', unitName: 'Phường A', period: '2026-11', received: 0, componentsDigitized: 0, resultsDigitized: 0, reused: 0, rate: null, resultsRate: null, reuseRate: null, target: 0.9, met: null },
      { unit: 'D.B', unitName: 'Phường B, cũ', period: '2026-10', received: 2, componentsDigitized: 0, resultsDigitized: 1, reused: 0, rate: 0, resultsRate: 0.5, reuseRate: 0, target: 0.8, met: false },
      { unit: 'D.B', unitName: 'Phường B, cũ', period: '2026-11', received: 0, componentsDigitized: 0, resultsDigitized: 0, reused: 0, rate: null, resultsRate: null, reuseRate: null, target: 0.8, met: null },
    ]);
  });

  it('merges the days of a period, and a shown unit below a hidden one still rolls up only its own subtree', () => {
    const counts = [count('a', '2026-10-01', 'KS', 1, 1), count('a', '2026-11-01', 'KS', 3, 1), count('b', '2026-12-01', 'KT', 4, 4)];
    const rows = digitizationReport({ units, shown: ['a'], counts, from: '2026-10-01', to: '2026-12-31', groupBy: 'quarter', byProcedure: false });
    expect(rows.map((r) => [r.unit, r.period, r.received, r.componentsDigitized])).toEqual([['D.A', '2026-Q4', 4, 2]]);
  });

  it('breaks a unit down per procedure, only where dossiers were received, the unknown procedure last', () => {
    const counts = [count('a', '2026-10-01', 'KT', 2, 2), count('a', '2026-10-01', null, 1, 0), count('b', '2026-10-01', 'KS', 4, 3), count('a', '2026-10-01', 'KS', 1, 1)];
    const rows = digitizationReport({ units, shown: ['d'], counts, from: '2026-10-01', to: '2026-11-30', groupBy: 'month', byProcedure: true });
    expect(rows.map((r) => [r.unit, r.period, r.procedure, r.received, r.componentsDigitized, r.met])).toEqual([
      ['D', '2026-10', 'KS', 5, 4, true], ['D', '2026-10', 'KT', 2, 2, true], ['D', '2026-10', null, 1, 0, false],
    ]);
  });

  it('orders units as a tree, children by code, indenting below the first shown ancestor', () => {
    const more = [...units, { id: 'e', code: 'E', name: 'Quận E', parentId: null, targetMillis: 800 }, { id: 'a1', code: 'D.A.1', name: 'Tổ', parentId: 'a', targetMillis: 800 }];
    expect(treeOrder(more, new Set(['b', 'a', 'a1', 'e']))).toEqual([{ id: 'a', depth: 0 }, { id: 'a1', depth: 1 }, { id: 'b', depth: 0 }, { id: 'e', depth: 0 }]);
  });

  it('writes CSV with the JSON field names, quoting what needs it, empty cells for null', () => {
    const rows = digitizationReport({ units, shown: ['b'], counts: [count('b', '2026-10-01', 'KS', 2, 1)], from: '2026-10-01', to: '2026-10-31', groupBy: 'month', byProcedure: false });
    expect(digitizationCsv(rows, false)).toBe(
      'unit,unitName,period,received,componentsDigitized,resultsDigitized,reused,rate,resultsRate,reuseRate,target,met\r\n'
      + 'D.B,"Phường B, cũ",2026-10,2,1,0,0,0.5,0,,0.8,false\r\n',
    );
  });
});
