import { describe, expect, it } from 'vitest';
import { learnedPhrasesFrom, matchDocument } from './match.ts';
import { pageLines } from './page-lines.ts';
import { candidateRole, documentKind, formNumberFound, hasCertificationStamp, kindCompatibility, looksLikeDrawing, subjectOf, titleKind } from './paper-kind.ts';
import { foldVietnamese } from './fold.ts';
import { pageFromLines, sampleCandidates } from './testing/index.ts';

const MOTTO = ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc'];
const title = (text: string) => ({ text, size: 44 });
const kindOf = (lines: Array<string | { text: string; size: number }>) => {
  const page = pageFromLines('p1', lines);
  return documentKind(pageLines(page), [page.text]).kind;
};

describe('kind of paper', () => {
  it('reads an application or declaration from its first words, whatever follows', () => {
    for (const t of ['ĐƠN XIN CẤP GIẤY PHÉP XÂY DỰNG', 'Đơn đề nghị cấp giấy phép xây dựng', 'TỜ KHAI ĐĂNG KÝ KHAI SINH', 'GIẤY ĐỀ NGHỊ ĐĂNG KÝ HỘ KINH DOANH', 'PHIẾU YÊU CẦU CHỨNG THỰC']) {
      expect(titleKind(foldVietnamese(t)), t).toBe('application');
    }
    for (const t of ['GIẤY PHÉP XÂY DỰNG', 'GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH', 'TRÍCH LỤC KHAI TỬ', 'QUYẾT ĐỊNH']) expect(titleKind(foldVietnamese(t)), t).toBe('issued');
    expect(titleKind(foldVietnamese('HỢP ĐỒNG THUÊ KI ỐT'))).toBe('contract');
    // 'đơn vị' (a unit) and 'Bên ủy quyền' are no kind
    expect(titleKind(foldVietnamese('ĐƠN VỊ THIẾT KẾ'))).toBeNull();
    expect(titleKind(foldVietnamese('BÊN ỦY QUYỀN'))).toBeNull();
  });

  it('says what an application asks for', () => {
    expect(subjectOf(foldVietnamese('ĐƠN XIN CẤP GIẤY PHÉP XÂY DỰNG'))).toBe('cap giay phep xay dung');
    expect(subjectOf(foldVietnamese('Đơn đề nghị cấp giấy phép xây dựng'))).toBe('cap giay phep xay dung');
    expect(subjectOf('giay phep xay dung')).toBe('giay phep xay dung');
  });

  it('gives each catalog entry its role: the application, the issued result, the drawing, the original, the certified copy', () => {
    const roles = Object.fromEntries([...sampleCandidates(undefined, true)].map((c) => [c.code, candidateRole(c)]));
    expect(roles).toMatchObject({
      'XD-DON': 'application', 'KS-TK': 'application', 'HKD-GDN': 'application', 'CT-PYC': 'application',
      'XD-KQ': 'issued', 'HKD-KQ': 'issued', 'XD-GCN': 'issued', 'XD-BV': 'drawing', 'CT-BC': 'original', 'CT-KQ': 'certified-copy',
      'HKD-HD': 'contract', 'KS-UQ': 'other',
    });
  });

  it('reads the kind from the title under an issuing body, a form number and the motto, a title broken over lines, a lower-case note', () => {
    expect(kindOf(['BỆNH VIỆN ĐA KHOA TỈNH', 'Mẫu số 01 Phụ lục II', ...MOTTO, title('ĐƠN XIN CẤP'), title('GIẤY PHÉP XÂY DỰNG')])).toBe('application');
    expect(kindOf([...MOTTO, title('PHIẾU YÊU'), title('CẦU CHỨNG THỰC')])).toBe('application');
    expect(kindOf([...MOTTO, title('ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP XÂY DỰNG (Sử dụng cho công trình nhà ở riêng lẻ)')])).toBe('application');
    expect(kindOf(['UBND XÃ VĨNH LỘC A', ...MOTTO, title('GIẤY PHÉP XÂY DỰNG NHÀ Ở'), 'Cấp cho ông/bà: Trần Văn A'])).toBe('issued');
  });

  it('knows a drawing by its scale and little text, and a certified copy by its stamp', () => {
    expect(looksLikeDrawing(['MẶT CẮT A-A\nPHÒNG KHÁCH 4200 x 3600\nKHO 2400 x 3000\n9000\nTL 1/100'])).toBe(true);
    expect(looksLikeDrawing(['Tỉ lệ: 1/50\nGARA'])).toBe(true);
    expect(looksLikeDrawing([`ĐƠN XIN PHÉP XÂY DỰNG\n${'Nội dung đơn dài. '.repeat(40)}\nTỷ lệ 1:100`])).toBe(false);
    expect(hasCertificationStamp(foldVietnamese('... Chứng thực bản sao đúng với bản chính ...'))).toBe(true);
    expect(hasCertificationStamp(foldVietnamese('SAO Y BẢN CHÍNH'))).toBe(true);
    expect(kindOf(['BẢN SAO', ...MOTTO, title('BẰNG TỐT NGHIỆP ĐẠI HỌC'), 'Họ và tên: A', 'CHỨNG THỰC BẢN SAO ĐÚNG VỚI BẢN CHÍNH'])).toBe('certified-copy');
    // An application that asks for a copy is still the application
    expect(kindOf([...MOTTO, title('ĐƠN ĐỀ NGHỊ SAO Y BẢN CHÍNH')])).toBe('application');
  });

  it('never lets an application pass for anything but an application', () => {
    for (const role of ['issued', 'drawing', 'original', 'certified-copy'] as const) expect(kindCompatibility('application', role)).toBeLessThan(0.2);
    expect(kindCompatibility('application', 'application')).toBe(1);
  });

  it('finds a catalog form number printed at the top however it is punctuated', () => {
    const lines = pageLines(pageFromLines('p1', ['Mẫu số 01 - Phụ lục II (Ban hành kèm theo Nghị định số 15/2021/NĐ-CP)', ...MOTTO, title('ĐƠN')]));
    expect(formNumberFound(lines, 'Mẫu số 01 Phụ lục II')).toBe(true);
    expect(formNumberFound(lines, 'Mẫu số 01 Phụ lục I')).toBe(false);
    expect(formNumberFound(pageLines(pageFromLines('p1', ['Mẫu số 01', title('ĐƠN')])), 'Mẫu số 01 Phụ lục II')).toBe(false);
  });
});

describe('matching with kinds, aliases and form numbers (procedure known)', () => {
  const XD = sampleCandidates('XD', true);
  const CT = sampleCandidates('CT', true);
  const page = (lines: Array<string | { text: string; size: number }>) => [pageFromLines('p1', lines)];

  it('files the application for a building permit under the application, never under the permit (issue 14)', () => {
    const m = matchDocument(page([...MOTTO, title('ĐƠN XIN CẤP GIẤY PHÉP XÂY DỰNG'), 'Kính gửi: Ủy ban nhân dân quận 1', 'Tên chủ đầu tư: Lê Văn B']), XD);
    expect(m.componentCode).toBe('XD-DON');
    expect(m.needsReview).toBe(false);
    const permit = matchDocument(page([...MOTTO, title('GIẤY PHÉP XÂY DỰNG'), 'Cấp cho ông/bà: Lê Văn B']), XD);
    expect(permit.componentCode).toBe('XD-KQ');
    // Even with every procedure in play, the application is not the permit.
    const all = matchDocument(page([...MOTTO, title('ĐƠN XIN CẤP GIẤY PHÉP XÂY DỰNG')]), sampleCandidates(undefined, true));
    expect(all.componentCode).toBe('XD-DON');
  });

  it('matches a catalog alias, and a form number where the title says little', () => {
    const HKD = sampleCandidates('HKD', true);
    expect(matchDocument(page([...MOTTO, title('HỢP ĐỒNG THUÊ MẶT BẰNG')]), HKD).componentCode).toBe('HKD-HD');
    const byForm = matchDocument(page(['Phụ lục III-1', ...MOTTO, title('GIẤY ĐỀ NGHỊ'), 'Kính gửi: Phòng Tài chính - Kế hoạch']), sampleCandidates(undefined, true));
    expect(byForm.componentCode).toBe('HKD-GDN');
    expect(byForm.explanation.join(' ')).toContain("form number 'Phụ lục III-1'");
    // Without the alias the same title is not enough to assign across every procedure.
    const plain = sampleCandidates(undefined, true).map((c) => ({ ...c, aliases: [], formNumbers: [] }));
    expect(matchDocument(page([...MOTTO, title('GIẤY ĐỀ NGHỊ'), 'Kính gửi: Phòng Tài chính - Kế hoạch']), plain).needsReview).toBe(true);
  });

  it('takes a drawing with almost no text for the procedure\'s drawing', () => {
    const m = matchDocument(page([title('MẶT ĐỨNG TRỤC 1-4'), 'PHÒNG NGỦ 1 3600 x 4200', 'BAN CÔNG 1200 x 3600', '9000', 'TL 1/100']), XD);
    expect(m.componentCode).toBe('XD-BV');
    expect(m.needsReview).toBe(false);
  });

  it('in a certification dossier, takes a paper that is none of its forms for the original, and a stamped copy for the certified copy', () => {
    const original = matchDocument(page(['TRƯỜNG THPT NGUYỄN DU', ...MOTTO, title('HỌC BẠ TRUNG HỌC PHỔ THÔNG'), 'Họ và tên: Nguyễn Thị C']), CT);
    expect(original.componentCode).toBe('CT-BC');
    expect(original.needsReview).toBe(false);
    const copy = matchDocument(page(['BẢN SAO', ...MOTTO, title('HỌC BẠ TRUNG HỌC PHỔ THÔNG'), 'Họ và tên: Nguyễn Thị C', 'Chứng thực bản sao đúng với bản chính']), CT);
    expect(copy.componentCode).toBe('CT-KQ');
    const request = matchDocument(page([...MOTTO, title('ĐƠN ĐỀ NGHỊ SAO Y BẢN CHÍNH'), 'Kính gửi: UBND phường']), CT);
    expect(request.componentCode).toBe('CT-PYC');
    // Across every procedure the same original is not taken for the certification's original.
    expect(matchDocument(page(['TRƯỜNG THPT NGUYỄN DU', ...MOTTO, title('HỌC BẠ TRUNG HỌC PHỔ THÔNG')]), sampleCandidates(undefined, true)).needsReview).toBe(true);
  });

  it('lets what clerks taught outweigh the kind rule: a request form corrected to the authorization is learned', () => {
    const KS = sampleCandidates('KS', true);
    const request = page([...MOTTO, title('PHIẾU YÊU CẦU CHỨNG THỰC'), 'Họ và tên người yêu cầu: Nguyễn Văn D']);
    expect(matchDocument(request, KS).needsReview).toBe(true);
    const taught = learnedPhrasesFrom(request, 'KS', 'KS-UQ').map((p) => ({ ...p, weight: 2 }));
    expect(matchDocument(request, KS, taught)).toMatchObject({ componentCode: 'KS-UQ', needsReview: false });
  });
});
