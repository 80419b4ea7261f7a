/**
 * A description as the archive hands it on: JSON and XML with the field names of circular 02/2019 (the objects of
 * description.ts as they are), and the inventory of a fonds' files (mục lục hồ sơ) as a spreadsheet.
 */
import ExcelJS from 'exceljs';
import { XMLBuilder } from 'fast-xml-parser';
import type { DocumentDescription, FileDescription, FondsDescription } from './description.ts';

export interface DescribedFile { file: FileDescription; documents: DocumentDescription[] }
export interface DescribedFonds { fonds: FondsDescription; files: DescribedFile[] }

/** What gets exported: a fonds with its files, one file with its documents, or documents picked by a search. */
export type DescriptionExport = { kind: 'fonds'; value: DescribedFonds } | { kind: 'file'; value: DescribedFile } | { kind: 'documents'; value: DocumentDescription[] };

const fileJson = (f: DescribedFile) => ({ ...f.file, Documents: f.documents });

export function descriptionJson(e: DescriptionExport): object {
  switch (e.kind) {
    case 'fonds': return { Fond: { ...e.value.fonds, Files: e.value.files.map(fileJson) } };
    case 'file': return { File: fileJson(e.value) };
    case 'documents': return { Documents: e.value };
  }
}

/** XML elements have no null: an empty element says the field is there and has no value. */
function xmlValues(o: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v === null || v === undefined ? '' : v]));
}
const fileXmlNode = (f: DescribedFile) => ({ ...xmlValues(f.file), Documents: { Document: f.documents.map(xmlValues) } });

const builder = new XMLBuilder({ format: true, indentBy: '  ', suppressEmptyNode: false, processEntities: true });

export function descriptionXml(e: DescriptionExport): string {
  const body =
    e.kind === 'fonds' ? { Fond: { ...xmlValues(e.value.fonds), Files: { File: e.value.files.map(fileXmlNode) } } }
    : e.kind === 'file' ? { File: fileXmlNode(e.value) }
    : { Documents: { Document: e.value.map(xmlValues) } };
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build(body)}`;
}

/** The inventory's columns: the heading archivists know, and the field it shows. */
const INVENTORY_COLUMNS: { header: string; field: keyof FileDescription | 'ordinal' | 'dates'; width: number }[] = [
  { header: 'Số TT', field: 'ordinal', width: 7 },
  { header: 'Mã hồ sơ (FileCode)', field: 'FileCode', width: 28 },
  { header: 'Số và ký hiệu hồ sơ (FileNotation)', field: 'FileNotation', width: 28 },
  { header: 'Tiêu đề hồ sơ (Title)', field: 'Title', width: 50 },
  { header: 'Thời gian bắt đầu - kết thúc (StartDate - EndDate)', field: 'dates', width: 26 },
  { header: 'Số văn bản (TotalDoc)', field: 'TotalDoc', width: 10 },
  { header: 'Số tờ (SheetNumber)', field: 'SheetNumber', width: 10 },
  { header: 'Số trang (PageNumber)', field: 'PageNumber', width: 10 },
  { header: 'Thời hạn bảo quản (Maintenance)', field: 'Maintenance', width: 16 },
  { header: 'Chế độ sử dụng (Rights)', field: 'Rights', width: 14 },
  { header: 'Ghi chú (Description)', field: 'Description', width: 40 },
];

/** Mục lục hồ sơ: one row per file, in the order given, under a title naming the fonds. */
export async function inventoryXlsx(fonds: FondsDescription, files: readonly FileDescription[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'sohoa';
  const sheet = workbook.addWorksheet('Mục lục hồ sơ');
  sheet.columns = INVENTORY_COLUMNS.map((c) => ({ key: c.field, width: c.width }));
  sheet.addRow([`MỤC LỤC HỒ SƠ - Phông ${fonds.FondName} (${fonds.Identifier})`]).font = { bold: true };
  sheet.addRow(INVENTORY_COLUMNS.map((c) => c.header)).font = { bold: true };
  files.forEach((f, i) =>
    sheet.addRow(INVENTORY_COLUMNS.map((c) => (c.field === 'ordinal' ? i + 1 : c.field === 'dates' ? `${f.StartDate} - ${f.EndDate}` : f[c.field]))),
  );
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
