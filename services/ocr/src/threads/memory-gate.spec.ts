import { describe, expect, it } from 'vitest';
import { memoryGate } from './memory-gate.ts';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Starts a task that runs until released, and says whether it has started. */
function task(gate: ReturnType<typeof memoryGate>) {
  const release = deferred();
  const state = { started: false, done: Promise.resolve(), release: release.resolve };
  state.done = gate.run(async () => {
    state.started = true;
    await release.promise;
  });
  return state;
}

const settle = () => new Promise((r) => setImmediate(r));

describe('memoryGate', () => {
  it('lets every thread work while the process is below the bound', async () => {
    const gate = memoryGate(2, 600, () => 500);
    const [a, b, c] = [task(gate), task(gate), task(gate)];
    await settle();
    expect([a.started, b.started, c.started]).toEqual([true, true, false]); // the third waits for a thread
    a.release();
    await a.done;
    await settle();
    expect(c.started).toBe(true);
    b.release(); c.release();
    await Promise.all([b.done, c.done]);
    expect(gate.heldBack).toBe(0);
  });

  it('runs one page task at a time at or above the bound, and all again once below', async () => {
    let resident = 700;
    const gate = memoryGate(2, 600, () => resident);
    const [a, b] = [task(gate), task(gate)];
    await settle();
    expect([a.started, b.started]).toEqual([true, false]);
    expect(gate.heldBack).toBe(1);
    a.release();
    await a.done;
    await settle();
    expect(b.started).toBe(true); // alone, it runs whatever the memory
    resident = 500;
    const c = task(gate);
    await settle();
    expect(c.started).toBe(true);
    b.release(); c.release();
    await Promise.all([b.done, c.done]);
  });

  it('never holds a task back with bound 0', async () => {
    const gate = memoryGate(2, 0, () => 10_000);
    const [a, b] = [task(gate), task(gate)];
    await settle();
    expect([a.started, b.started]).toEqual([true, true]);
    a.release(); b.release();
    await Promise.all([a.done, b.done]);
  });

  it('passes a failed task on and frees its place', async () => {
    const gate = memoryGate(1, 600, () => 700);
    await expect(gate.run(async () => { throw new Error('bad page'); })).rejects.toThrow('bad page');
    await expect(gate.run(async () => 'next')).resolves.toBe('next');
  });
});
