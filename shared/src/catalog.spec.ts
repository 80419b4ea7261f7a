import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCatalog, retentionYears } from './catalog.ts';
import type { AppError } from './errors.ts';

const sample = path.join(import.meta.dirname, '..', '..', 'samples', 'catalog.json');
const shared = path.join(import.meta.dirname, '..', '..', '..', 'shared', 'catalog.sample.json');
/** sha256 of the project brief's ../shared/catalog.sample.json (beside the checkout): the repo's catalog is that one plus aliases and form numbers. */
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

  it('ships samples/catalog.json as the shared sample plus aliases and form numbers, and still imports the shared one as it is', () => {
    const withoutExtras = (json: unknown): unknown => JSON.parse(JSON.stringify(json, (k, v) => (k === 'aliases' || k === 'formNumbers' || k === 'note' ? undefined : v)));
    const repo = JSON.parse(fs.readFileSync(sample, 'utf8'));
    const parts = repo.procedures.flatMap((p: { components: object[]; results?: object[] }) => [...p.components, ...(p.results ?? [])]);
    expect(parts.filter((c: { aliases?: string[] }) => c.aliases?.length).length).toBeGreaterThan(5);
    expect(parts.filter((c: { formNumbers?: string[] }) => c.formNumbers?.length).length).toBeGreaterThan(3);
    const parsed = parseCatalog(repo);
    expect(parsed.procedures[2].components[0].aliases).toContain('Đơn xin cấp giấy phép xây dựng');
    // A clean clone (CI) has no ../shared beside it: the shared file is then only held to its pinned digest when present.
    if (fs.existsSync(shared)) {
      const raw = fs.readFileSync(shared);
      expect(createHash('sha256').update(raw).digest('hex')).toBe(SHARED_CATALOG_SHA256);
      const plain = parseCatalog(JSON.parse(raw.toString('utf8')));
      expect(plain.procedures.flatMap((p) => p.components).every((c) => c.aliases === undefined && c.formNumbers === undefined)).toBe(true);
      expect(withoutExtras(repo)).toEqual(withoutExtras(JSON.parse(raw.toString('utf8'))));
    }
  });

  it('reads aliases and form numbers, NFC, and refuses empty ones', () => {
    const decomposed = 'Đơn xin'.normalize('NFD');
    const c = parseCatalog({ version: 1, procedures: [{ code: 'A', name: 'x', components: [{ code: 'c', name: 'n', retention: 'permanent', aliases: [decomposed], formNumbers: ['Mẫu số 01'] }] }] });
    expect(c.procedures[0].components[0].aliases).toEqual(['Đơn xin'.normalize('NFC')]);
    expect(c.procedures[0].components[0].formNumbers).toEqual(['Mẫu số 01']);
    expect(() => parseCatalog({ version: 1, procedures: [{ code: 'A', name: 'x', components: [{ code: 'c', name: 'n', retention: 'permanent', aliases: [''] }] }] })).toThrow(/aliases/);
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
