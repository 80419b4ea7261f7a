import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOG_COMPONENTS, CATALOG_RESULTS, catalogDocumentFor, receiptDocument, RECEIPT_TITLE } from './documents-catalog.ts';
import { MOTTO } from './documents.ts';
import { createRng } from './prng.ts';

const catalog = JSON.parse(readFileSync(new URL('../catalog.json', import.meta.url), 'utf8')) as {
  procedures: Array<{ code: string; components: Array<{ code: string }>; results?: Array<{ code: string }> }>;
};

describe('catalog document templates', () => {
  it('cover every component and result of the sample catalog', () => {
    const codes = catalog.procedures.flatMap((p) => p.components.map((c) => c.code));
    const results = catalog.procedures.flatMap((p) => (p.results ?? []).map((r) => r.code));
    expect([...CATALOG_COMPONENTS].sort()).toEqual([...codes].sort());
    expect([...CATALOG_RESULTS].sort()).toEqual([...results].sort());
  });

  it('fill each one reproducibly, NFC, with its procedure and kind; continuation pages carry no motto or title', () => {
    for (const code of [...CATALOG_COMPONENTS, ...CATALOG_RESULTS]) {
      const a = catalogDocumentFor(code, createRng(`t-${code}`));
      const b = catalogDocumentFor(code, createRng(`t-${code}`));
      expect(a).toEqual(b);
      expect(a.component).toBe(code);
      expect(a.procedure).toBe(code.split('-')[0]);
      expect(a.kind).toBe((CATALOG_RESULTS as readonly string[]).includes(code) ? 'result' : 'component');
      for (const page of a.pages) for (const block of page) expect(block.text).toBe(block.text.normalize('NFC'));
      for (const page of a.pages.slice(1)) {
        expect(page.some((b) => b.text === MOTTO)).toBe(false);
        expect(page.some((b) => b.text === a.title)).toBe(false);
      }
      for (const [key, value] of Object.entries(a.fields)) if (key.endsWith('Identifier')) expect(value).toMatch(/^\d{12}$/);
    }
  });

  it('include multi-page documents', () => {
    const pages = [...CATALOG_COMPONENTS, ...CATALOG_RESULTS].map((c) => catalogDocumentFor(c, createRng(3)).pages.length);
    expect(Math.max(...pages)).toBeGreaterThanOrEqual(2);
  });

  it('write the receipt with the dossier code and the components handed in', () => {
    const r = receiptDocument({ dossierCode: '000.00.00.H00-251121-0007', procedureCode: 'KS', procedureName: 'Đăng ký khai sinh', componentNames: ['Tờ khai đăng ký khai sinh'], received: { day: 21, month: 11, year: 2025 } }, createRng(1));
    const text = r.pages[0].map((b) => b.text).join('\n');
    expect(r.kind).toBe('receipt');
    expect(text).toContain(RECEIPT_TITLE);
    expect(text).toContain('Mã hồ sơ: 000.00.00.H00-251121-0007');
    expect(text).toContain('1. Tờ khai đăng ký khai sinh');
  });
});
