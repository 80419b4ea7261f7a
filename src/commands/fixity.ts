import path from 'node:path';
import { readCredentials } from '../bootstrap.ts';

interface RunView {
  id: string; status: 'running' | 'done'; checked: number; failed: number; bytes: number; workingSeconds: number;
  problems?: { record: string; unit: string; status: string; detail: { why?: string; expected?: string; found?: string } }[];
}

/**
 * `sohoa fixity [--unit CODE]`: asks the running server for a fixity run now (a job reads every record object of
 * the unit, or of every unit the token reaches), waits for it, and names each record not found intact.
 * Exit 0 only when everything checked is intact.
 */
export async function runFixity(o: { unit?: string; pollMs?: number }): Promise<number> {
  const credentials = await readCredentials(path.join(process.env.DATA_DIR ?? 'data', 'credentials.json'));
  const url = (process.env.SOHOA_URL ?? credentials?.url ?? 'http://localhost:8080').replace(/\/$/, '');
  const token = process.env.SOHOA_TOKEN ?? credentials?.token;
  if (!token) throw new Error('no API token: set SOHOA_TOKEN or run where data/credentials.json is');
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

  const started = await fetch(`${url}/api/v1/fixity/runs`, { method: 'POST', headers, body: JSON.stringify(o.unit ? { unit: o.unit } : {}) });
  const body = (await started.json().catch(() => ({}))) as { id?: string; error?: { message: string } };
  if (started.status !== 202 || !body.id) throw new Error(`the server refused the fixity run (${started.status}): ${body.error?.message ?? 'no reason given'}`);
  console.log(`fixity run ${body.id}${o.unit ? ` for unit ${o.unit}` : ''}`);

  let run: RunView;
  for (;;) {
    const r = await fetch(`${url}/api/v1/fixity/runs/${body.id}`, { headers });
    if (!r.ok) throw new Error(`could not read the fixity run (${r.status})`);
    run = (await r.json()) as RunView;
    if (run.status === 'done') break;
    await new Promise((resolve) => setTimeout(resolve, o.pollMs ?? 1000));
  }
  for (const p of run.problems ?? []) console.log(`${p.status}: record ${p.record} (unit ${p.unit})${p.detail.why ? `: ${p.detail.why}` : ''}`);
  const mib = run.bytes / (1024 * 1024);
  console.log(`${run.checked} record(s) checked, ${mib.toFixed(1)} MiB read in ${run.workingSeconds.toFixed(1)} s: ${run.failed ? `${run.failed} not intact` : 'all intact'}`);
  return run.failed === 0 ? 0 : 1;
}
