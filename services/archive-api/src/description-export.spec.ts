import ExcelJS from 'exceljs';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { deriveFondsDescription, type DocumentDescription, type FileDescription } from './description.ts';
import { descriptionJson, descriptionXml, inventoryXlsx } from './description-export.ts';

const file: FileDescription = {
  FileCode: '000.00.00.H00-261121-0001', FileCatalog: 2026, FileNotation: '000.00.00.H00-261121-0001', Title: 'Hồ sơ đăng ký khai sinh của Nguyễn Văn An & <con>',
  Maintenance: 'Vĩnh viễn', Rights: 'Hạn chế', Language: 'vi', StartDate: '2026-11-21', EndDate: '2026-11-25', KeyWord: 'Đăng ký khai sinh; Nguyễn Văn An',
  TotalDoc: 2, SheetNumber: 3, PageNumber: 4, Format: 'Bình thường', InforSign: null, Reliability: 'Bản số hóa', PaperFileCode: '000.00.00.H00-261121-0001',
  BackupRegime: null, BackupState: null, Description: null,
};
const doc = (n: number): DocumentDescription => ({
  DocCode: `${file.FileCode}.00${n}`, DocOrdinal: n, TypeName: 'Giấy khai sinh', CodeNumber: '12', CodeNotation: 'GKS', IssuedDate: '2026-11-25',
  OrganName: 'UBND phường Mẫu', Subject: 'Giấy khai sinh - Nguyễn Văn An', Language: 'vi', PageAmount: 1, Description: null, InforSign: null, KeyWord: '',
  Mode: 'Hạn chế', ConfidenceLevel: 'Bản số hóa', Autograph: null, Format: 'Bình thường',
});
const fonds = deriveFondsDescription({ unitCode: '000.00.00.H00', unitName: 'UBND phường Mẫu', files: [file] });

describe('description export', () => {
  it('writes well-formed XML with the circular names, escaping text and keeping empty fields', () => {
    const xml = descriptionXml({ kind: 'fonds', value: { fonds, files: [{ file, documents: [doc(1), doc(2)] }] } });
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain('Nguyễn Văn An &amp; &lt;con&gt;');
    expect(xml).toMatch(/<InforSign><\/InforSign>|<InforSign\/>/);
    const parsed = new XMLParser({ parseTagValue: false }).parse(xml);
    expect(parsed.Fond.Identifier).toBe('000.00.00.H00');
    expect(parsed.Fond.Files.File.FileCode).toBe(file.FileCode);
    expect(parsed.Fond.Files.File.Title).toBe(file.Title);
    expect(parsed.Fond.Files.File.Documents.Document.map((d: any) => d.DocCode)).toEqual([doc(1).DocCode, doc(2).DocCode]);
  });
  it('writes JSON with the same names', () => {
    expect(descriptionJson({ kind: 'file', value: { file, documents: [doc(1)] } })).toEqual({ File: { ...file, Documents: [doc(1)] } });
  });
  it('writes the inventory as a spreadsheet that reads back one row per file', async () => {
    const bytes = await inventoryXlsx(fonds, [file, { ...file, FileCode: 'B', Title: 'Hồ sơ B' }]);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as any);
    const sheet = book.getWorksheet('Mục lục hồ sơ')!;
    expect(String(sheet.getCell('A1').value)).toContain('UBND phường Mẫu');
    expect(sheet.getRow(2).values).toContain('Tiêu đề hồ sơ (Title)');
    expect(sheet.getCell('B3').value).toBe(file.FileCode);
    expect(sheet.getCell('D4').value).toBe('Hồ sơ B');
    expect(sheet.getCell('E3').value).toBe('2026-11-21 - 2026-11-25');
    expect(sheet.getCell('G3').value).toBe(3);
    expect(sheet.rowCount).toBe(4);
  });
});
