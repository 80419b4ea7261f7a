import { describe, expect, it } from 'vitest';
import { completeness } from './completeness.ts';

describe('completeness', () => {
  const components = [
    { code: 'KS-TK', name: 'Tờ khai đăng ký khai sinh', required: true },
    { code: 'KS-GCS', name: 'Giấy chứng sinh', required: true },
    { code: 'KS-UQ', name: 'Văn bản ủy quyền', required: false },
  ];
  it('says present, uncertain and missing per component', () => {
    const items = completeness(components, [
      { id: 'd1', componentCode: 'KS-TK', needsReview: false, confirmed: false },
      { id: 'd2', componentCode: 'KS-GCS', needsReview: true, confirmed: false },
      { id: 'd3', componentCode: null, needsReview: true, confirmed: false },
    ]);
    expect(items.map((i) => [i.code, i.state, i.documentIds])).toEqual([
      ['KS-TK', 'present', ['d1']],
      ['KS-GCS', 'uncertain', ['d2']],
      ['KS-UQ', 'missing', []],
    ]);
    expect(items[2].required).toBe(false);
  });
  it('a clerk\'s confirmation settles a document that needed review', () => {
    const [, gcs] = completeness(components, [{ id: 'd2', componentCode: 'KS-GCS', needsReview: true, confirmed: true }]);
    expect(gcs.state).toBe('present');
  });
});
