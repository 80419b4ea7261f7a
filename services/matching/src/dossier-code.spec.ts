import { describe, expect, it } from 'vitest';
import { findDossierCodeInText, formatDossierQr, parseDossierCode } from './dossier-code.ts';

describe('parseDossierCode', () => {
  it('reads sohoa\'s JSON payload', () => {
    const payload = formatDossierQr({ ma_ho_so: '000.00.00.H00-251121-0007', ma_tthc: 'KS', ma_dinh_danh: '079123456789', ten_giay_to: 'Giấy tiếp nhận hồ sơ', he_thong: 'sohoa', thoi_gian: '2025-11-21T09:30:00+07:00' });
    expect(parseDossierCode(payload)).toEqual({ dossierCode: '000.00.00.H00-251121-0007', procedureCode: 'KS', ownerIdentifier: '079123456789', documentName: 'Giấy tiếp nhận hồ sơ', raw: payload });
  });

  it('reads a bare code, key=value lists and a URL query', () => {
    expect(parseDossierCode(' 000.00.00.H00-251121-0007\n')?.dossierCode).toBe('000.00.00.H00-251121-0007');
    expect(parseDossierCode('MaHoSo=000.00.00.H00-251121-0007;MaTTHC=KT;CCCD=079123456789')).toMatchObject({ dossierCode: '000.00.00.H00-251121-0007', procedureCode: 'KT', ownerIdentifier: '079123456789' });
    expect(parseDossierCode('https://dichvucong.example.vn/tra-cuu?ma_ho_so=000.00.00.H00-251121-0007&ma_tthc=XD')).toMatchObject({ dossierCode: '000.00.00.H00-251121-0007', procedureCode: 'XD' });
  });

  it('refuses payloads without a valid dossier code', () => {
    expect(parseDossierCode('https://example.com')).toBeNull();
    expect(parseDossierCode('{"ma_ho_so": "H00-2511-7"}')).toBeNull();
    expect(parseDossierCode('{not json')).toBeNull();
    expect(parseDossierCode('')).toBeNull();
  });

  it('refuses codes that are not decree 61 codes, and drops fields that are not what they claim', () => {
    expect(parseDossierCode('{"ma_ho_so": "..-251121-0007"}')).toBeNull();
    expect(parseDossierCode('{"ma_ho_so": "../../../../tmp/x"}')).toBeNull();
    expect(parseDossierCode('ma_ho_so=000.00.00.H00-251121-0007%2F..%2F..')).toBeNull();
    expect(parseDossierCode(`000.00.00.H00-251121-${'1'.repeat(20_000)}`)).toBeNull();
    expect(parseDossierCode('000.00.00.H00-251321-0007')).toBeNull(); // month 13
    const info = parseDossierCode(JSON.stringify({ ma_ho_so: '000.00.00.H00-251121-0007', ma_tthc: '../../x', ma_dinh_danh: '0791\u0000', ten_giay_to: 'x'.repeat(5000) }));
    expect(info).toEqual({ dossierCode: '000.00.00.H00-251121-0007', raw: expect.any(String) });
  });

  it('finds a printed dossier code in OCR text, hyphens spaced', () => {
    expect(findDossierCodeInText('Mã hồ sơ: 000.00.00.H00 - 251121 -0007')).toBe('000.00.00.H00-251121-0007');
    expect(findDossierCodeInText('Mã hồ sơ: chưa có')).toBeNull();
    expect(findDossierCodeInText('Số 000.00.00.H00-259999-0001, mã hồ sơ 000.00.00.H00-251121-0007')).toBe('000.00.00.H00-251121-0007');
  });
});
