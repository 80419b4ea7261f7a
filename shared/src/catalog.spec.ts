import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCatalog, retentionYears } from './catalog.ts';
import type { AppError } from './errors.ts';

const sample = path.join(import.meta.dirname, '..', '..', 'samples', 'catalog.json');
const shared = path.join(import.meta.dirname, '..', '..', '..', 'shared', 'catalog.sample.json');
/** sha256 of the project brief's ../shared/catalog.sample.json (beside the checkout); change it only together with a new copy of that file. */
const SHARED_CATALOG_SHA256 = '42ea26dc1c25077a13a8f0352237379e1d1103d0e84f144bed4d2e60130ea9a5';

describe('procedure catalog', () => {
  it('reads the sample catalog as it is', () => {
    const catalog = parseCatalog(JSON.parse(fs.readFileSync(sample, 'utf8')));
    expect(catalog.procedures.map((p) => p.code)).toEqual(['KS', 'KT', 'XD', 'HKD', 'CT']);
    const ks = catalog.procedures[0];
    expect(ks.components.filter((c) => c.required).map((c) => c.code)).toEqual(['KS-TK', 'KS-GCS']);
    expect(retentionYears(catalog.procedures[3].components[0].retention)).toBe(20);
    expect(retentionYears(ks.components[0].retention)).toBeNull();
  });

  it('ships samples/catalog.json byte-identical to the shared sample', () => {
    // A clean clone (CI) has no ../shared beside it: the copy is then held to the shared file's digest, pinned
    // when the copy was taken, so an edit of the repo's copy fails here too. Beside ../shared, the bytes are compared.
    expect(createHash('sha256').update(fs.readFileSync(sample)).digest('hex')).toBe(SHARED_CATALOG_SHA256);
    if (fs.existsSync(shared)) expect(fs.readFileSync(sample)).toEqual(fs.readFileSync(shared));
  });

  it('names what is wrong in an invalid catalog', () => {
    expect(() => parseCatalog({ version: 1, procedures: [{ code: 'A', name: 'x', components: [] }] })).toThrow(/procedures\.0\.components/);
    expect(() => parseCatalog({ version: 1, procedures: [{ code: 'A', name: 'x', components: [{ code: 'c', name: 'n', retention: { years: -1 } }] }] })).toThrow(/retention/);
  });

  it('refuses a procedure listed twice, and a component or result code repeated in a procedure, naming the field', () => {
    const part = (code: string) => ({ code, name: 'n', retention: 'permanent' as const });
    const refusal = (procedures: unknown[]) => {
      try {
        parseCatalog({ version: 1, procedures });
      } catch (err) {
        return err as AppError;
      }
      throw new Error('accepted');
    };
    const twice = refusal([{ code: 'A', name: 'x', components: [part('c')] }, { code: 'A', name: 'y', components: [part('d')] }]);
    expect(twice.status).toBe(422);
    expect(twice.fields).toEqual([{ field: 'procedures.1.code', message: 'procedure A is listed twice' }]);
    expect(refusal([{ code: 'A', name: 'x', components: [part('c'), part('c')] }]).fields).toEqual([{ field: 'procedures.0.components.1.code', message: 'c is listed twice in procedure A' }]);
    expect(refusal([{ code: 'A', name: 'x', components: [part('c')], results: [part('c')] }]).fields).toEqual([{ field: 'procedures.0.results.0.code', message: 'c is listed twice in procedure A' }]);
    // The same component code in two procedures is fine: components are keyed by procedure.
    expect(parseCatalog({ version: 1, procedures: [{ code: 'A', name: 'x', components: [part('c')] }, { code: 'B', name: 'y', components: [part('c')] }] }).procedures).toHaveLength(2);
  });

  it('normalizes names to NFC', () => {
    const decomposed = 'Tờ khai'.normalize('NFD');
    const c = parseCatalog({ version: 1, procedures: [{ code: 'A', name: decomposed, components: [{ code: 'c', name: decomposed, retention: 'permanent' }] }] });
    expect(c.procedures[0].name).toBe('Tờ khai'.normalize('NFC'));
    expect(c.procedures[0].components[0].name).toBe('Tờ khai'.normalize('NFC'));
  });
});
