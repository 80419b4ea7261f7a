import { readFileSync } from 'node:fs';
import { parseCatalog } from '@sohoa/shared';
import { describe, expect, it } from 'vitest';
import { candidatesFromCatalog } from './candidates.ts';

describe('catalog → candidates', () => {
  const raw = readFileSync(new URL('../../../samples/catalog.json', import.meta.url), 'utf8');

  it('round-trips the sample catalog: every component and result, names NFC, required flags kept', () => {
    const catalog = parseCatalog(JSON.parse(raw));
    const all = candidatesFromCatalog(catalog, null, { results: true });
    expect(all).toHaveLength(19);
    expect(all.filter((c) => c.kind === 'component')).toHaveLength(14);
    // Rebuild the catalog's component lists from the candidates: same codes, names and flags.
    for (const p of catalog.procedures) {
      const mine = all.filter((c) => c.procedureCode === p.code);
      expect(mine.filter((c) => c.kind === 'component').map((c) => ({ code: c.code, name: c.name, required: c.required })))
        .toEqual(p.components.map((c) => ({ code: c.code, name: c.name, required: c.required ?? false })));
      expect(mine.filter((c) => c.kind === 'result').map((c) => c.code)).toEqual((p.results ?? []).map((r) => r.code));
    }
    for (const c of all) expect(c.name).toBe(c.name.normalize('NFC'));
  });

  it('narrows to one procedure', () => {
    const catalog = parseCatalog(JSON.parse(raw));
    expect(candidatesFromCatalog(catalog, 'KT').map((c) => c.code)).toEqual(['KT-TK', 'KT-GBT']);
  });
});
