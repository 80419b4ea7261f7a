import { describe, expect, it } from 'vitest';
import { documentsFromPages } from './documents.ts';
import { formatDossierQr } from './dossier-code.ts';
import { learnedPhrasesFrom } from './match.ts';
import { dossierCodeOf } from './split.ts';
import { blankPage, pageFromLines, sampleCandidates } from './testing/index.ts';

const MOTTO = ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc'];
const title = (text: string) => ({ text, size: 44 });
const DOSSIER = '000.00.00.H00-251121-0007';
const qr = (procedure?: string) => [{ format: 'QRCode', text: formatDossierQr({ ma_ho_so: DOSSIER, ...(procedure ? { ma_tthc: procedure } : {}), ma_dinh_danh: '079123456789' }) }];

const receipt = (id: string, procedure?: string) =>
  pageFromLines(id, [...MOTTO, title('GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ'), `Mã hồ sơ: ${DOSSIER}`], procedure === undefined ? [] : qr(procedure));
const birthForm = (id: string) =>
  pageFromLines(id, [...MOTTO, title('TỜ KHAI ĐĂNG KÝ KHAI SINH'), 'Họ, chữ đệm, tên người yêu cầu: Nguyễn Văn An', 'Số định danh cá nhân: 079123456789', 'Ngày sinh: 02/03/2025']);
const birthCertificate = (id: string) => pageFromLines(id, [...MOTTO, title('GIẤY CHỨNG SINH'), 'Số: 9143/GCS', 'Họ và tên mẹ: Trần Thị Hà']);
const continuation = (id: string) => pageFromLines(id, ['Nơi sinh: Bệnh viện Từ Dũ', 'Người làm chứng ký tên dưới đây']);
const graduation = (id: string) => pageFromLines(id, [...MOTTO, title('BẰNG TỐT NGHIỆP TRUNG HỌC PHỔ THÔNG'), 'Hiệu trưởng trường THPT Lê Quý Đôn', 'công nhận tốt nghiệp']);

/** Every procedure's components and results: what the job loads from the catalog version. */
const catalog = sampleCandidates(undefined, true);

describe('documentsFromPages: a recognized batch → documents with their components', () => {
  it('cuts receipt, documents, separator and blank back sides, and matches each document against the procedure', () => {
    const pages = [blankPage('lead'), receipt('r', 'KS'), birthForm('f1'), blankPage('f1b'), continuation('f2'), blankPage('s', qr()), birthCertificate('c')];
    const found = documentsFromPages(pages, { candidates: catalog, procedureCode: 'KS' });

    expect(found.dossier).toMatchObject({ dossierCode: DOSSIER, procedureCode: 'KS', ownerIdentifier: '079123456789' });
    expect(found.separatorPageIds).toEqual(['s']);
    expect(found.blankPageIds).toEqual(['lead', 'f1b']);
    expect(found.documents.map((d) => [d.kind, d.pageIds, d.blankPageIds, d.componentCode, d.decidedBy])).toEqual([
      ['receipt', ['r'], ['lead'], null, 'receipt'], // a blank before any paper goes to the first document
      ['document', ['f1', 'f2'], ['f1b'], 'KS-TK', 'matcher'],
      ['document', ['c'], [], 'KS-GCS', 'matcher'],
    ]);
    expect(found.documents[0]).toMatchObject({ procedureCode: 'KS', confidence: 1, runnerUp: null, needsReview: false });
    const [, form] = found.documents;
    expect(form).toMatchObject({ procedureCode: 'KS', needsReview: false, title: 'TỜ KHAI ĐĂNG KÝ KHAI SINH' });
    expect(form.confidence).toBeGreaterThan(form.runnerUp!.confidence);
    expect(form.runnerUp!.procedureCode).toBe('KS'); // only the procedure's components competed
    expect(form.fields).toMatchObject({ ownerIdentifier: '079123456789', dates: ['2025-03-02'] });
    expect(form.explanation.join(' ')).toMatch(/title/);
    expect(found.procedureCode).toBe('KS');
  });

  it('with the procedure unknown, matches against every procedure and says the one the confident papers agree on', () => {
    const found = documentsFromPages([birthForm('f'), birthCertificate('c')], { candidates: catalog, procedureCode: null });
    expect(found.documents.map((d) => [d.procedureCode, d.componentCode, d.needsReview])).toEqual([['KS', 'KS-TK', false], ['KS', 'KS-GCS', false]]);
    expect(found.documents[0].runnerUp?.componentCode).toBe('KT-TK'); // the death form competed too
    expect(found.procedureCode).toBe('KS');

    // A paper only the matcher's doubt speaks for agrees on nothing.
    const unsure = documentsFromPages([graduation('g')], { candidates: catalog, procedureCode: null });
    expect(unsure.documents[0].needsReview).toBe(true);
    expect(unsure.procedureCode).toBeNull();
  });

  it('the procedure given narrows the candidates: a paper of another procedure is not matched outside it', () => {
    const found = documentsFromPages([birthForm('f')], { candidates: catalog, procedureCode: 'XD' });
    expect(found.documents[0].componentCode?.startsWith('XD-') ?? true).toBe(true);
    expect(found.documents[0].needsReview).toBe(true);
    expect(found.procedureCode).toBe('XD');
  });

  it('a component the clerk gave with the batch names every paper but the receipt', () => {
    const found = documentsFromPages([receipt('r'), graduation('g'), birthForm('f')], { candidates: catalog, procedureCode: 'CT', givenComponent: 'CT-BC' });
    expect(found.documents.map((d) => [d.kind, d.componentCode, d.decidedBy, d.confidence, d.needsReview])).toEqual([
      ['receipt', null, 'receipt', 1, false],
      ['document', 'CT-BC', 'clerk', 1, false],
      ['document', 'CT-BC', 'clerk', 1, false],
    ]);
    expect(found.documents[1].explanation).toEqual(['component given by the clerk with the batch']);
  });

  it('in a certification dossier a paper that is none of its forms is the original; elsewhere what clerks taught decides it', () => {
    const known = documentsFromPages([graduation('g1')], { candidates: catalog, procedureCode: 'CT' });
    expect(known.documents[0]).toMatchObject({ componentCode: 'CT-BC', needsReview: false });
    const cold = documentsFromPages([graduation('g1')], { candidates: catalog, procedureCode: null });
    expect(cold.documents[0].needsReview).toBe(true);
    const learned = learnedPhrasesFrom([graduation('g0')], 'CT', 'CT-BC');
    const warm = documentsFromPages([graduation('g1')], { candidates: catalog, procedureCode: null, learned });
    expect(warm.documents[0]).toMatchObject({ componentCode: 'CT-BC', needsReview: false, decidedBy: 'matcher' });
  });
});

describe('dossierCodeOf', () => {
  it('takes the first code read off any page, else the code printed on a receipt that comes first, else nothing', () => {
    expect(dossierCodeOf([birthForm('f'), blankPage('s', qr('KT'))])).toMatchObject({ dossierCode: DOSSIER, procedureCode: 'KT' });
    expect(dossierCodeOf([receipt('r'), birthForm('f')])).toEqual({ dossierCode: DOSSIER, raw: DOSSIER });
    expect(dossierCodeOf([birthForm('f'), pageFromLines('x', [`Mã hồ sơ: ${DOSSIER}`])])).toBeNull(); // printed, but not on a receipt
  });
});
