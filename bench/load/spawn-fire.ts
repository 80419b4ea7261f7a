import { spawn } from 'node:child_process';
import path from 'node:path';
import type { FirePlan, FireResult } from './fire.ts';

/** Runs the load generator (fire.ts) in a process of its own, so that sending requests does not share the server's event loop. */
export async function fireLoad(plan: FirePlan): Promise<FireResult[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'fire.ts')], {
    env: { ...process.env, LOAD_PLAN: JSON.stringify(plan) }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const code = await new Promise((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`the load generator exited with ${code}`);
  return JSON.parse(out.trim().split('\n').pop()!);
}
