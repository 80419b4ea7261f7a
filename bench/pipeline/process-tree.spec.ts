import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { treePids, treeRssMb } from '../ocr/process-memory.ts';
import { memoryOf } from './process-tree.ts';

/** The tree both benches measure: a shell that started a child, as sohoa starts its PostgreSQL and OCRmyPDF its tesseract. */
describe('process trees (the OCR and pipeline benches share one reading of /proc)', () => {
  let shell: ReturnType<typeof spawn>;
  beforeAll(async () => {
    shell = spawn('sh', ['-c', 'sleep 30 & wait'], { stdio: 'ignore' });
    // the shell forks its sleep right away; wait until /proc shows it
    for (let i = 0; i < 50 && treePids(shell.pid!).length < 2; i++) await new Promise((r) => setTimeout(r, 20));
  });
  afterAll(() => {
    for (const pid of treePids(shell.pid!).reverse()) process.kill(pid);
  });

  it('finds the child of a child, and counts the memory of the whole tree', () => {
    const pids = treePids(shell.pid!);
    expect(pids[0]).toBe(shell.pid);
    expect(pids).toHaveLength(2);
    const { processMb, treeMb } = memoryOf(shell.pid!);
    expect(processMb).toBeGreaterThan(0);
    expect(treeMb).toBeGreaterThan(processMb);
    expect(treeRssMb(shell.pid!)).toBeCloseTo(treeMb, 0);
  });
});
