import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLEAN, generateBlankPage, generateDocumentPages, generateReceiptPage, generateSeparatorPage, qrPayloadText, toMultiPageTiff,
} from '@sohoa/samples';
import { getJson, startTestStack, uploadBatch, waitForBatch, type TestStack } from './helpers/stack.ts';

/**
 * A whole dossier scanned in one go, as a counter does it: the receipt with its QR code, a separator sheet,
 * two papers in any order, a blank back side. Neither the dossier code nor the procedure is given with the batch.
 */
describe('a dossier scanned in one batch behind its receipt', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('takes the dossier from the QR code, splits the papers, drops the separator and back side, and knows what is missing', async () => {
    const dossierCode = '000.00.00.H00-261120-0042';
    const owner = '001089012345';
    const look = { ...CLEAN, dpi: 200 };
    const qr = qrPayloadText({ ma_ho_so: dossierCode, ma_tthc: 'HKD', ma_dinh_danh: owner, ten_giay_to: 'Giấy tiếp nhận hồ sơ', he_thong: 'sohoa' });
    const receipt = await generateReceiptPage(
      { dossierCode, procedureCode: 'HKD', procedureName: 'Đăng ký thành lập hộ kinh doanh', componentNames: ['Giấy đề nghị đăng ký hộ kinh doanh', 'Hợp đồng thuê địa điểm kinh doanh'], received: { day: 20, month: 11, year: 2026 } },
      qr, look, 11,
    );
    const separator = await generateSeparatorPage(qrPayloadText({ ma_ho_so: dossierCode }), look, 12);
    const lease = await generateDocumentPages('HKD-HD', { ...look, skew: 2.5 }, 13);
    const request = await generateDocumentPages('HKD-GDN', look, 14);
    const back = await generateBlankPage(look, 15);
    const pages = [receipt, separator, ...lease, back, ...request];
    const tiff = await toMultiPageTiff(pages.map((p) => p.png), 200);

    const upload = await uploadBatch(stack.url, stack.token, { unit: '000.00.00.H00' }, [{ name: 'dossier.tif', bytes: tiff }]);
    expect(upload.status).toBe(202);
    const batch = await waitForBatch(stack.url, stack.token, upload.body.id);
    expect(batch.status).toBe('done');
    expect(batch.dossier).toBe(dossierCode); // the generated code gave way to the receipt's
    expect(batch.procedure).toBe('HKD');
    expect(batch.documents.map((d: any) => [d.kind, d.component, d.pages])).toEqual([
      ['receipt', null, 1],
      ['document', 'HKD-HD', lease.length],
      ['document', 'HKD-GDN', request.length],
    ]);
    expect(batch.records).toHaveLength(3);

    const { rows: roles } = await stack.runtime.db.query(`SELECT role, count(*)::int AS n FROM pages WHERE batch_id = $1 GROUP BY role ORDER BY role`, [upload.body.id]);
    expect(Object.fromEntries(roles.map((r) => [r.role, r.n]))).toEqual({ blank: 1, content: 2 + lease.length + request.length - 1, separator: 1 });

    const dossier = await getJson(`${stack.url}/api/v1/dossiers/${dossierCode}`, stack.token);
    expect(dossier).toMatchObject({ codeSource: 'qr', procedure: 'HKD', ownerIdentifier: owner });
    const state = Object.fromEntries(dossier.completeness.map((c: any) => [c.code, c.state]));
    expect(state).toEqual({ 'HKD-GDN': 'present', 'HKD-BB': 'missing', 'HKD-HD': 'present' });
    expect(dossier.missing).toEqual([]); // the minutes (HKD-BB) are optional

    const leaseRecord = await getJson(`${stack.url}/api/v1/records/${batch.documents[1].recordId}`, stack.token);
    expect(leaseRecord.metadata).toMatchObject({ componentCode: 'HKD-HD', retention: { years: 20 }, ownerIdentifier: owner, blankPagesDropped: 1 });
  });
});
