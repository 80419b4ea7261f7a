import { describe, expect, it } from 'vitest';
import { readUpright, type OsdAnswer, type Rotation } from './orientation.ts';

/** A page that reads well only when turned by `upright`; records what was tried. */
function fakePage(upright: Rotation, osd: OsdAnswer = { rotation: null, confidence: 0 }, good = 92, bad = 37) {
  const tried: Rotation[] = [];
  let osdCalls = 0;
  return {
    tried,
    osdCalls: () => osdCalls,
    probe: {
      read: async (rotation: Rotation) => {
        tried.push(rotation);
        return { result: `read at ${rotation}`, readability: rotation === upright ? good : bad };
      },
      osd: async () => {
        osdCalls++;
        return osd;
      },
    },
  };
}

describe('reading a page the right way up', () => {
  it('accepts an upright page after one reading, without OSD', async () => {
    const page = fakePage(0);
    const decision = await readUpright(page.probe, 'horizontal');
    expect(decision).toMatchObject({ rotation: 0, result: 'read at 0', decidedBy: 'recognition' });
    expect(page.tried).toEqual([0]);
    expect(page.osdCalls()).toBe(0);
  });

  it('turns an upside-down page after reading both ways', async () => {
    const page = fakePage(180);
    const decision = await readUpright(page.probe, 'horizontal');
    expect(decision).toMatchObject({ rotation: 180, result: 'read at 180', decidedBy: 'recognition' });
    expect(page.tried).toEqual([0, 180]);
  });

  for (const upright of [90, 270] as const) {
    it(`turns a sideways page by ${upright}° even when OSD is wrong`, async () => {
      const wrong = fakePage(upright, { rotation: upright === 90 ? 270 : 90, confidence: 2 });
      expect((await readUpright(wrong.probe, 'vertical')).rotation).toBe(upright);
      const right = fakePage(upright, { rotation: upright, confidence: 9 });
      expect((await readUpright(right.probe, 'vertical')).rotation).toBe(upright);
      expect(right.tried).toEqual([upright]); // OSD put the right candidate first: one reading
    });
  }

  it('lets OSD break a tie between two poor readings', async () => {
    const page = fakePage(180, { rotation: 180, confidence: 3 }, 40, 38);
    const decision = await readUpright(page.probe, 'horizontal');
    expect(decision).toMatchObject({ rotation: 180, decidedBy: 'osd' });
  });
});
