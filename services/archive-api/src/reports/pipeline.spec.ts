import { describe, expect, it } from 'vitest';
import { hourStarts, pipelineReport } from './pipeline.ts';

const units = [
  { id: 'D', code: 'D', name: 'Quận', parentId: null, targetMillis: 800 },
  { id: 'W1', code: 'W1', name: 'Phường 1', parentId: 'D', targetMillis: 800 },
  { id: 'W2', code: 'W2', name: 'Phường 2', parentId: 'D', targetMillis: 800 },
];
const now = new Date('2026-12-03T10:20:00Z');

describe('the pipeline report', () => {
  it('takes the whole hours up to the current one, oldest first', () => {
    expect(hourStarts(now, 3).map((h) => h.toISOString())).toEqual(['2026-12-03T08:00:00.000Z', '2026-12-03T09:00:00.000Z', '2026-12-03T10:00:00.000Z']);
  });

  it('rolls a unit\'s wards up into it, every stage and hour present, and averages the throughput over the window', () => {
    const rows = pipelineReport({
      units, shown: ['D', 'W1'], now, hours: 3,
      waiting: [{ unitId: 'W1', stage: 'ocr', pages: 4 }, { unitId: 'W2', stage: 'ocr', pages: 1 }, { unitId: 'W2', stage: 'review', pages: 2 }],
      archived: [
        { unitId: 'W1', hour: new Date('2026-12-03T10:00:00Z'), pages: 5 },
        { unitId: 'W2', hour: new Date('2026-12-03T08:00:00Z'), pages: 4 },
        { unitId: 'W2', hour: new Date('2026-12-03T06:00:00Z'), pages: 99 }, // before the window
      ],
    });
    expect(rows[0]).toEqual({
      unit: 'D', unitName: 'Quận', waiting: { ocr: 5, review: 2, building: 0, signing: 0, archiving: 0 },
      archived: [{ hour: '2026-12-03T08:00:00.000Z', pages: 4 }, { hour: '2026-12-03T09:00:00.000Z', pages: 0 }, { hour: '2026-12-03T10:00:00.000Z', pages: 5 }],
      pagesPerHour: 3,
    });
    expect(rows[1]!.waiting).toEqual({ ocr: 4, review: 0, building: 0, signing: 0, archiving: 0 });
    expect(rows[1]!.pagesPerHour).toBe(1.67);
  });
});
