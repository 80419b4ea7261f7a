// The real code reader, upstream in the flow: what it reads off generated pages is what splitBatch gets in production.
import { decodeCodes } from '@sohoa/ocr';
import { CLEAN, generateBlankPage, generateDocumentPages, generateReceiptPage, generateSeparatorPage, qrPayloadText, type DossierPage } from '@sohoa/samples';
import { beforeAll, describe, expect, it } from 'vitest';
import { splitBatch } from './split.ts';
import { blankPage, pageFromLines, sampleCandidates } from './testing/index.ts';
import type { PageText } from './types.ts';

const DOSSIER = '000.00.00.H00-251121-0007';
const payload = qrPayloadText({ ma_ho_so: DOSSIER, ma_tthc: 'XD', ma_dinh_danh: '079123456789', ten_giay_to: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả', he_thong: 'sohoa', thoi_gian: '2025-11-21T09:30:00+07:00' });

/** A generated page as the OCR stage would hand it over: its printed lines, and the codes read from its pixels. */
async function asPageText(id: string, page: DossierPage): Promise<PageText> {
  const codes = await decodeCodes(page.png);
  if (!page.text) return blankPage(id, codes);
  return { ...pageFromLines(id, page.text.trimEnd().split('\n')), codes };
}

describe('splitBatch on a generated batch', () => {
  let pages: PageText[];
  beforeAll(async () => {
    const receipt = await generateReceiptPage(
      { dossierCode: DOSSIER, procedureCode: 'XD', procedureName: 'Cấp giấy phép xây dựng nhà ở riêng lẻ', componentNames: ['Giấy chứng nhận quyền sử dụng đất', 'Đơn đề nghị cấp giấy phép xây dựng'], received: { day: 21, month: 11, year: 2025 } },
      payload, CLEAN, 21,
    );
    const certificate = await generateDocumentPages('XD-GCN', CLEAN, 22); // two pages: the second has no title
    const form = await generateDocumentPages('XD-DON', CLEAN, 23);
    const back = await generateBlankPage(CLEAN, 24);
    const separator = await generateSeparatorPage(payload, CLEAN, 25);
    expect(certificate).toHaveLength(2);
    const batch: Array<[string, DossierPage]> = [['r', receipt], ['c1', certificate[0]], ['c2', certificate[1]], ['b', back], ['s', separator], ['f', form[0]]];
    pages = await Promise.all(batch.map(([id, page]) => asPageText(id, page)));
  });

  it('gives the documents, the separator, the blank back side and the dossier code', () => {
    const result = splitBatch(pages, sampleCandidates('XD'));
    expect(result.documents.map((d) => [d.kind, d.pageIds])).toEqual([
      ['receipt', ['r']],
      ['document', ['c1', 'c2']],
      ['document', ['f']],
    ]);
    expect(result.documents[1].title).toMatch(/GIẤY CHỨNG NHẬN/);
    expect(result.separatorPageIds).toEqual(['s']);
    expect(result.blankPageIds).toEqual(['b']);
    expect(result.dossier).toMatchObject({ dossierCode: DOSSIER, procedureCode: 'XD', ownerIdentifier: '079123456789' });
  });

  it('a continuation page stays with its document; a titled page starts one even without a separator', () => {
    const [, c1, c2, , , f] = pages;
    const result = splitBatch([c1, c2, f, c2], sampleCandidates());
    expect(result.documents.map((d) => d.pageIds)).toEqual([['c1', 'c2'], ['f', 'c2']]);
    expect(result.dossier).toBeNull();
  });

  it('a title without the national motto starts a document too (drawings); a sheet heading does not', () => {
    const [, c1, c2] = pages;
    const drawing = pageFromLines('d1', ['CÔNG TY TNHH TƯ VẤN THIẾT KẾ SAO MAI', { text: 'BẢN VẼ THIẾT KẾ XÂY DỰNG', size: 50 }, 'Công trình: Nhà ở riêng lẻ 3 tầng']);
    const sheet = pageFromLines('d2', [{ text: 'Tờ số 1/1: mặt bằng tầng 1 và mặt bằng móng', size: 36 }, 'Tỷ lệ 1:100. Kích thước ghi bằng milimét']);
    const result = splitBatch([c1, c2, drawing, sheet], sampleCandidates('XD'));
    expect(result.documents.map((d) => d.pageIds)).toEqual([['c1', 'c2'], ['d1', 'd2']]);
    expect(result.documents[1].title).toBe('BẢN VẼ THIẾT KẾ XÂY DỰNG');
  });

  it('a receipt\'s second page stays with the receipt', () => {
    const [r, c1] = pages;
    const more = pageFromLines('r2', ['3. Bản vẽ thiết kế xây dựng', 'Thời gian trả kết quả: 14 giờ 00 phút, ngày 28 tháng 11 năm 2025']);
    const result = splitBatch([r, more, c1], sampleCandidates('XD'));
    expect(result.documents.map((d) => [d.kind, d.pageIds])).toEqual([['receipt', ['r', 'r2']], ['document', ['c1']]]);
  });
});
