import path from 'node:path';
import { readCredentials } from '../bootstrap.ts';

export interface ReuseCommandOptions { owner: string; components: string[]; procedure?: string; issuedAfter?: string; purpose: string; json: boolean }

/**
 * `sohoa reuse`: an owner's reusable results, asked of the running server (GET /api/v1/reuse/results) with an API key
 * (SOHOA_TOKEN; else data/credentials.json's token) and the purpose as X-Purpose, so the server's rules hold as for
 * any other system: reuse:read within the key's units, the audit trail, record_reuses and the rate limit.
 */
export async function runReuse(o: ReuseCommandOptions): Promise<number> {
  const credentials = await readCredentials(path.join(process.env.DATA_DIR ?? 'data', 'credentials.json'));
  const url = (process.env.SOHOA_URL ?? credentials?.url ?? 'http://localhost:8080').replace(/\/$/, '');
  const token = process.env.SOHOA_TOKEN ?? credentials?.token;
  if (!token) throw new Error('no API key: set SOHOA_TOKEN to a key holding reuse:read');
  const query = new URLSearchParams({ owner: o.owner });
  if (o.procedure) query.set('procedure', o.procedure);
  if (o.components.length) query.set('component', o.components.join(','));
  if (o.issuedAfter) query.set('issuedAfter', o.issuedAfter);
  const response = await fetch(`${url}/api/v1/reuse/results?${query}`, {
    headers: { authorization: `Bearer ${token}`, 'x-purpose': encodeURIComponent(o.purpose) },
  });
  const body = (await response.json().catch(() => ({}))) as {
    error?: { message: string };
    results?: { recordId: string; dossier: string; component: string; componentName: string | null; issuedAt: string | null; signature: string; retainUntil: string | null; pdf: string }[];
  };
  if (!response.ok) {
    const wait = response.headers.get('retry-after');
    throw new Error(`the server answered ${response.status}: ${body.error?.message ?? 'no reason given'}${wait ? ` (retry after ${wait} s)` : ''}`);
  }
  if (o.json) {
    console.log(JSON.stringify(body, null, 2));
    return 0;
  }
  const results = body.results ?? [];
  if (results.length === 0) console.log(`nothing reusable on file for ${o.owner} in the key's units`);
  for (const r of results) {
    console.log(`${r.recordId}  ${r.component}  ${r.componentName ?? ''}  dossier ${r.dossier}  issued ${r.issuedAt ?? '?'}  signature ${r.signature}  kept until ${r.retainUntil ?? 'permanent'}  ${url}${r.pdf}`);
  }
  return 0;
}
