import { describe, expect, it } from 'vitest';
import { learnedPhrasesFrom, matchDocument, REVIEW_THRESHOLD } from './match.ts';
import { foldVietnamese } from './fold.ts';
import { pageFromLines, sampleCandidates } from './testing/index.ts';

const MOTTO = ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc'];
const title = (text: string) => ({ text, size: 44 });

/** OCR-like slips: diacritics dropped on some words, ư→u, ơ→o, a wrong accent. */
function slip(text: string): string {
  return text
    .replace(/ư/g, 'u').replace(/Ư/g, 'U')
    .replace(/ơ/g, 'o').replace(/Ơ/g, 'O')
    .replace(/Ờ/g, 'Ở').replace(/ờ/g, 'ở')
    .replace(/Đ(?=Ă|Ă|Ă|ĂNG|ĂN)/g, 'D');
}

describe('foldVietnamese', () => {
  it('drops diacritics, đ→d, punctuation and case', () => {
    expect(foldVietnamese('Tờ khai ĐĂNG KÝ  khai-sinh; (Số: 12)')).toBe('to khai dang ky khai sinh so 12');
    expect(foldVietnamese('Ủy ban nhân dân phường Ưng Ửng')).toBe('uy ban nhan dan phuong ung ung');
    // decomposed input (NFD) folds the same as NFC
    expect(foldVietnamese('Giấy chứng sinh'.normalize('NFD'))).toBe('giay chung sinh');
  });
});

describe('matchDocument on OCR-like noisy text', () => {
  const birthForm = [
    ...MOTTO.map(slip),
    title('TO KHAI DANG KY KHAI SINH'), // diacritics dropped
    'Kinh gui: Uy ban nhan dan phuong Ben Thanh',
    'Họ, chữ đệm, tên người yêu cầu: Nguyễn Văn An',
    'Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:',
  ];

  it('picks Tờ khai đăng ký khai sinh with diacritics dropped; the death form is the runner-up', () => {
    const result = matchDocument([pageFromLines('p1', birthForm)], sampleCandidates());
    expect(result.componentCode).toBe('KS-TK');
    expect(result.procedureCode).toBe('KS');
    expect(result.needsReview).toBe(false);
    expect(result.confidence).toBeGreaterThanOrEqual(REVIEW_THRESHOLD);
    expect(result.runnerUp?.componentCode).toBe('KT-TK');
    expect(result.explanation.join(' ')).toMatch(/title 'TO KHAI DANG KY KHAI SINH' matches 'Tờ khai đăng ký khai sinh'/);
  });

  it('reads through ư→u, ơ→o, a wrong accent and a broken word', () => {
    const noisy = [...MOTTO, title('BẢN CAM KẺT BAO ĐẢM AN TOÀN ĐÔI VƠI CÔNG TRlNH LIÊN KÈ'), 'Kính gửi: Ủy ban nhân dân quận'];
    const result = matchDocument([pageFromLines('p1', noisy)], sampleCandidates('XD'));
    expect(result.componentCode).toBe('XD-CK');
    expect(result.needsReview).toBe(false);

    const broken = [...MOTTO, title('GIẤY CHỨ NG SINH'), 'Số: 9143/GCS', 'Họ và tên mẹ: Trần Thị Hà'];
    const gcs = matchDocument([pageFromLines('p1', broken)], sampleCandidates('KS'));
    expect(gcs.componentCode).toBe('KS-GCS');
    expect(gcs.runnerUp?.componentCode).not.toBe('KS-GCS');
    expect(gcs.needsReview).toBe(false);
  });

  it('tells death from birth registration when the procedure is unknown (all procedures)', () => {
    const death = [...MOTTO, title('TỜ KHAI ĐĂNG KÝ KHAl TỦ'), 'Họ, chữ đệm, tên người chết: Lê Văn Hùng', 'Đề nghị đăng ký khai tử cho người có tên dưới đây'];
    const all = sampleCandidates();
    expect(all.length).toBe(14);
    const result = matchDocument([pageFromLines('p1', death)], all);
    expect(result.componentCode).toBe('KT-TK');
    expect(result.procedureCode).toBe('KT');
    expect(result.runnerUp?.componentCode).toBe('KS-TK');
  });

  it('does not give a result\'s shorter name the application form (XD-DON vs XD-KQ)', () => {
    const form = [...MOTTO, title('ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP XÂY DỰNG'), '(Sử dụng cho nhà ở riêng lẻ)'];
    const result = matchDocument([pageFromLines('p1', form)], sampleCandidates('XD', true));
    expect(result.componentCode).toBe('XD-DON');
    expect(result.runnerUp?.componentCode).toBe('XD-KQ');
  });

  it('sends low-evidence text to review', () => {
    const vague = ['Ghi chú', 'Trang 2', 'nội dung được viết tay, khó đọc'];
    const result = matchDocument([pageFromLines('p1', vague)], sampleCandidates('KS'));
    expect(result.needsReview).toBe(true);
    expect(result.confidence).toBeLessThan(REVIEW_THRESHOLD);
  });

  it('recognizes the receipt as a receipt, not a component', () => {
    const receipt = [...MOTTO, title('GIAY TIEP NHAN HO SO VA HEN TRA KET QUA'), 'Mã hồ sơ: 000.00.00.H00-251121-0007'];
    const result = matchDocument([pageFromLines('p1', receipt)], sampleCandidates('KS'));
    expect(result.componentCode).toBeNull();
    expect(result.needsReview).toBe(false);
  });
});

describe('learned phrases', () => {
  // The original of a paper brought for a certified copy: its title is not the catalog's name.
  const original = [...MOTTO, title('BẰNG TỐT NGHIỆP TRUNG HỌC PHỔ THÔNG'), 'Hiệu trưởng trường THPT Lê Quý Đôn', 'công nhận tốt nghiệp'];

  it('without them the document goes to review; a confirmation teaches its title and flips it', () => {
    const pages = [pageFromLines('p1', original)];
    // The procedure not known (every procedure's entries): no catalog text names it. (Within the certification
    // procedure it is the original brought to be copied: paper-kind.spec.ts.)
    const cold = matchDocument(pages, sampleCandidates());
    expect(cold.needsReview).toBe(true);

    const taught = learnedPhrasesFrom(pages, 'CT', 'CT-BC');
    expect(taught).toEqual([{ procedureCode: 'CT', componentCode: 'CT-BC', phrase: 'bang tot nghiep trung hoc pho thong', weight: 1 }]);
    // One confirmation: the next such paper (read without diacritics this time) is assigned, and the reason shown.
    const next = [pageFromLines('p2', original.map((l) => (typeof l === 'string' ? l : { ...l, text: 'BANG TOT NGHIEP TRUNG HOC PHO THONG' })))];
    const warm = matchDocument(next, sampleCandidates(), taught);
    expect(warm.componentCode).toBe('CT-BC');
    expect(warm.needsReview).toBe(false);
    expect(warm.explanation.join(' ')).toMatch(/learned phrase 'bang tot nghiep trung hoc pho thong' from 1 confirmation /);
    // Clerks who taught the same title for another component make it uncertain again.
    const disputed = matchDocument(next, sampleCandidates(), [...taught, { ...taught[0], componentCode: 'CT-PYC' }]);
    expect(disputed.needsReview).toBe(true);
  });

  it('flip an ambiguous case between two candidates', () => {
    // A title that reads as both birth and death registration forms.
    const ambiguous = [...MOTTO, title('TỜ KHAI ĐĂNG KÝ KHAI'), 'nội dung mờ'];
    const pages = [pageFromLines('p1', ambiguous)];
    const before = matchDocument(pages, sampleCandidates());
    expect(before.needsReview).toBe(true);
    const learned = learnedPhrasesFrom(pages, 'KT', 'KT-TK');
    const after = matchDocument(pages, sampleCandidates(), learned);
    expect(after.componentCode).toBe('KT-TK');
    const before2 = new Set([before.componentCode, before.runnerUp?.componentCode]);
    expect(before2.has('KS-TK') && before2.has('KT-TK')).toBe(true);
  });

  it('teach the whole wrapped title, and a learned title must be the line, not inside it', () => {
    const land = [...MOTTO, title('GIẤY CHỨNG NHẬN'), title('QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU NHÀ Ở'), title('VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT'), 'Số phát hành: CS 563781'];
    const [phrase] = learnedPhrasesFrom([pageFromLines('p1', land)], 'XD', 'XD-GCN');
    expect(phrase.phrase).toBe('giay chung nhan quyen su dung dat quyen so huu nha o va tai san khac gan lien voi dat');
    // A short phrase taught for the land certificate does not pull the household-business certificate.
    const household = [...MOTTO, title('GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH'), 'Số: 01A123456'];
    const result = matchDocument([pageFromLines('p2', household)], sampleCandidates(undefined, true), [{ procedureCode: 'XD', componentCode: 'XD-GCN', phrase: 'giay chung nhan', weight: 5 }]);
    expect(result.componentCode).toBe('HKD-KQ');
    expect(result.explanation.join(' ')).not.toMatch(/learned phrase/);
  });
});
