import { describe, expect, it } from 'vitest';
import { FileEdit } from '../src/http/description.contract.ts';
import { catalogue } from '../services/web/src/messages.ts';
import { fieldProblemIn, fieldProblemKinds } from '../services/web/src/field-problems.ts';

/** What the server answers for a refused correction of an archival file: its own schema's words, field by field. */
function refusals(edit: Record<string, unknown>): Record<string, string> {
  const result = FileEdit.safeParse(edit);
  if (result.success) throw new Error('accepted');
  const first: Record<string, string> = {}; // the server keeps a field's first reason (shared/src/request-input.ts fieldProblems)
  for (const i of result.error.issues) first[i.path.join('.') || 'body'] ??= i.message;
  return first;
}

describe('field problems said in the UI\'s language', () => {
  it('says each kind the archival file\'s schema answers in Vietnamese, keeping the limit it names', () => {
    const said = Object.fromEntries(Object.entries(refusals({
      FileCatalog: 'x', SheetNumber: 1.5, Title: 'a'.repeat(1001), Rights: 5, StartDate: '2026-13-45', EndDate: '20', InforSign: 'a\u0000',
    })).map(([field, message]) => [field, fieldProblemIn('vi', message)]));
    expect(said).toEqual({
      FileCatalog: 'phải là một số nguyên',
      SheetNumber: 'phải là một số nguyên',
      Title: 'dài quá: tối đa 1000 ký tự',
      Rights: 'phải là chữ',
      StartDate: 'không có ngày này trên lịch',
      EndDate: 'ghi ngày theo dạng NNNN-TT-NN, ví dụ 2026-12-03',
      InforSign: 'có ký tự điều khiển (như NUL), hãy xóa đi',
    });
    expect(fieldProblemIn('vi', refusals({ FileCatalog: 0 }).FileCatalog!)).toBe('nhỏ quá: ít nhất là 1');
    expect(fieldProblemIn('en', refusals({ FileCatalog: 10000 }).FileCatalog!)).toBe('too large: at most 9999');
    expect(fieldProblemIn('vi', refusals({ StartDate: '2026-12-01', EndDate: '2026-01-01' }).body!)).toBe('thời gian bắt đầu sau thời gian kết thúc');
  });

  it('keeps the server\'s words for a kind it does not know, and says every kind it knows in both languages', () => {
    expect(fieldProblemIn('vi', 'something a newer server says')).toBe('something a newer server says');
    for (const kind of fieldProblemKinds) {
      expect(catalogue.vi, kind).toHaveProperty([`fieldProblem.${kind}`]);
      expect(catalogue.en, kind).toHaveProperty([`fieldProblem.${kind}`]);
    }
  });
});
