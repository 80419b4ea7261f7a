import { describe, expect, it } from 'vitest';
import { chooseThreshold, replayPage, replayThresholds, type RecordedPage } from './orientation-tuning.ts';

const upright: RecordedPage = { name: 'upright', upright: 0, readability: { 0: 88, 180: 36 } };
const upsideDown: RecordedPage = { name: 'upside-down', upright: 180, readability: { 0: 41, 180: 90 } };
const thresholds = Array.from({ length: 102 }, (_, t) => t);

describe('replaying the orientation decision on recorded readings', () => {
  it('accepts a first reading at or above the threshold, else reads the other way up', async () => {
    expect(await replayPage(upright, 70)).toEqual({ rotation: 0, readings: 1 });
    expect(await replayPage(upright, 95)).toEqual({ rotation: 0, readings: 2 });
    expect(await replayPage(upsideDown, 30)).toEqual({ rotation: 0, readings: 1 }); // too low a threshold: wrong
    expect(await replayPage(upsideDown, 50)).toEqual({ rotation: 180, readings: 2 });
  });

  it('refuses to guess an OSD answer that was not recorded', async () => {
    const sideways: RecordedPage = { name: 'sideways', upright: 90, readability: { 90: 40, 270: 41 } };
    await expect(replayPage(sideways, 70)).rejects.toThrow(/no OSD answer was recorded/);
    await expect(replayPage({ ...sideways, osd: { rotation: 90, confidence: 3 } }, 70)).resolves.toMatchObject({ rotation: 90 });
  });
});

describe('choosing the threshold', () => {
  it('takes the middle of the thresholds that turn every page right with fewest second readings', async () => {
    const outcomes = await replayThresholds([upright, upsideDown], thresholds);
    expect(outcomes.find((o) => o.threshold === 41)).toEqual({ threshold: 41, right: 1, secondReadings: 0 });
    expect(outcomes.find((o) => o.threshold === 89)).toEqual({ threshold: 89, right: 2, secondReadings: 2 });
    // Right from 42 (above the best wrong-way reading) up to 88 (the worst right-way one).
    expect(chooseThreshold(outcomes)).toEqual({ threshold: 65, range: [42, 88], right: 2, secondReadings: 1 });
  });

  it('takes the longest run when the best thresholds are not consecutive', () => {
    const outcomes = [10, 11, 12, 13, 14, 15].map((threshold) => ({ threshold, right: threshold === 12 ? 4 : 5, secondReadings: 1 }));
    expect(chooseThreshold(outcomes)).toMatchObject({ range: [13, 15], threshold: 14 });
  });
});
