import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { CLEAN, generateBlankPage, generateReceiptPage, generateSeparatorPage, qrPayloadText } from '@sohoa/samples';
import { describe, expect, it } from 'vitest';
import { prepareZXingModule, writeBarcode } from 'zxing-wasm/writer';
import { decodeCodes } from './code-reader.ts';

const DOSSIER = '000.00.00.H00-251121-0007';
const payload = qrPayloadText({ ma_ho_so: DOSSIER, ma_tthc: 'XD', ma_dinh_danh: '079123456789', ten_giay_to: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả', he_thong: 'sohoa', thoi_gian: '2025-11-21T09:30:00+07:00' });

describe('decodeCodes (zxing-wasm, offline)', () => {
  it('reads the receipt\'s QR (top left, skewed, speckled) and a separator\'s Code 128', async () => {
    const receipt = await generateReceiptPage(
      { dossierCode: DOSSIER, procedureCode: 'XD', procedureName: 'Cấp giấy phép xây dựng nhà ở riêng lẻ', componentNames: ['Đơn đề nghị cấp giấy phép xây dựng'], received: { day: 21, month: 11, year: 2025 } },
      payload, { ...CLEAN, skew: 3.5, speckles: true, jpegQuality: 45 }, 11,
    );
    expect(await decodeCodes(receipt.png)).toEqual([{ format: 'QRCode', text: payload }]);

    const require = createRequire(import.meta.url);
    await prepareZXingModule({ overrides: { wasmBinary: readFileSync(require.resolve('zxing-wasm/writer/zxing_writer.wasm')).buffer as ArrayBuffer }, fireImmediately: true });
    const written = await writeBarcode(DOSSIER, { format: 'Code128', scale: 3 });
    const barcode = Buffer.from(await written.image!.arrayBuffer());
    const separator = await generateSeparatorPage(null, { ...CLEAN, skew: -2, paper: 'yellowed' }, 12, barcode);
    expect(await decodeCodes(separator.png)).toEqual([{ format: 'Code128', text: DOSSIER }]);

    const blank = await generateBlankPage(CLEAN, 13);
    expect(await decodeCodes(blank.png)).toEqual([]);
  });
});
