import { describe, expect, it } from 'vitest';
import { extractFields } from './fields.ts';

describe('extractFields', () => {
  it('reads identifiers, labelled names, dates and the document number from form lines', () => {
    const text = [
      'GIẤY CHỨNG SINH',
      'Số: 9143/GCS',
      'Họ và tên mẹ: Trần Thị Hà',
      'Số định danh cá nhân: 079195012345',
      'Đã sinh con vào lúc 7 giờ 5 phút, ngày 14/02/2025',
      'Họ, chữ đệm, tên người cha: Nguyễn Văn An; năm sinh: 1990',
      'Hải Châu, ngày 25 tháng 03 năm 2025',
    ].join('\n');
    const f = extractFields(text);
    expect(f.ownerIdentifier).toBe('079195012345');
    expect(f.identifiers).toEqual(['079195012345']);
    expect(f.fullName).toBe('Trần Thị Hà');
    expect(f.names).toEqual(['Trần Thị Hà', 'Nguyễn Văn An']);
    expect(f.dates).toEqual(['2025-02-14', '2025-03-25']);
    expect(f.documentNumber).toBe('9143/GCS');
  });

  it('survives OCR slips: dropped accents in labels, upper-case names, spaced digits, O for 0', () => {
    const text = [
      'Ho, chu đem, ten nguoi yeu cau: Lê Minh Khánh',
      'Tôi là (ghi họ tên bằng chữ in hoa): PHẠM THỊ THU TRANG',
      'So dinh danh ca nhan: 0O1 2O3 456 789',
      'ngay 5 thang 3 nam 2025 va 31/02/2025 (not a date) va 07-11-2024',
    ].join('\n');
    const f = extractFields(text);
    expect(f.names).toEqual(['Lê Minh Khánh', 'Phạm Thị Thu Trang']);
    expect(f.identifiers).toEqual(['001203456789']);
    expect(f.dates).toEqual(['2025-03-05', '2024-11-07']);
    expect(f.documentNumber).toBeNull();
  });

  it('reads labels and numbers tesseract garbled: "$6:", "va-tén", "tôn", "ndm-2025"', () => {
    const text = ['GIẤY KHAI SINH', '] $6: 2736/KS', 'Họ va-tén người yêu cầu chứng thực: Hồ Công Cường', 'Ho và tôn người ủy quyền: Ngô Minh Giang', 'Thủy Nguyên, ngày 25 tháng 04 ndm-2025'].join('\n');
    const f = extractFields(text);
    expect(f.documentNumber).toBe('2736/KS');
    expect(f.names).toEqual(['Hồ Công Cường', 'Ngô Minh Giang']);
    expect(f.dates).toEqual(['2025-04-25']);
  });

  it('does not take numbers that are not identifiers or document numbers', () => {
    const text = ['Số điện thoại: 0912345678', 'a) Thửa đất số: 132; tờ bản đồ số: 46', 'Số con trong lần sinh này: 01', 'Mã: 1234567890123'].join('\n');
    const f = extractFields(text);
    expect(f.identifiers).toEqual([]);
    expect(f.documentNumber).toBeNull();
    expect(f.fullName).toBeNull();
  });
});
