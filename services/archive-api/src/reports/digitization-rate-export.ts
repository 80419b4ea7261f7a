/**
 * The digitization-rate report as CSV (the JSON rows' fields, for programs) and as the inspectors' spreadsheet
 * (Vietnamese headings: a summary sheet per unit and period, and a sheet per procedure).
 */
import ExcelJS from 'exceljs';
import type { GroupBy, ReportRow } from './digitization-rate.ts';

export const CSV_COLUMNS = [
  'unit', 'unitName', 'period', 'procedure', 'received', 'componentsDigitized', 'resultsDigitized', 'reused', 'rate', 'resultsRate', 'reuseRate', 'target', 'met',
] as const;

const csvCell = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** RFC 4180 CSV, a header line of the JSON field names; `procedure` only when the rows carry it; empty cells for null. */
export function digitizationCsv(rows: readonly ReportRow[], byProcedure: boolean): string {
  const columns = CSV_COLUMNS.filter((c) => byProcedure || c !== 'procedure');
  const lines = [columns.join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvCell(r[c as keyof ReportRow])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** The spreadsheet's columns; a percentage column holds the ratio (0.9348) shown as 93.48 %. */
export const SHEET_HEADINGS = {
  ordinal: 'STT', unit: 'Mã đơn vị', unitName: 'Tên đơn vị', period: 'Kỳ báo cáo', procedure: 'Mã TTHC', procedureName: 'Tên thủ tục hành chính',
  received: 'Số hồ sơ tiếp nhận', componentsDigitized: 'Số hồ sơ số hóa đủ thành phần bắt buộc', rate: 'Tỷ lệ số hóa hồ sơ',
  resultsDigitized: 'Số kết quả giải quyết đã số hóa', resultsRate: 'Tỷ lệ số hóa kết quả', reused: 'Số kết quả số hóa được tái sử dụng',
  reuseRate: 'Tỷ lệ tái sử dụng', target: 'Chỉ tiêu', met: 'Đạt chỉ tiêu',
} as const;
type Column = keyof typeof SHEET_HEADINGS;
const SUMMARY: Column[] = ['ordinal', 'unit', 'unitName', 'period', 'received', 'componentsDigitized', 'rate', 'resultsDigitized', 'resultsRate', 'reused', 'reuseRate', 'target', 'met'];
const PER_PROCEDURE: Column[] = ['ordinal', 'unit', 'unitName', 'period', 'procedure', 'procedureName', 'received', 'componentsDigitized', 'rate', 'resultsDigitized', 'resultsRate', 'reused', 'reuseRate', 'target', 'met'];
const WIDTHS: Partial<Record<Column, number>> = { ordinal: 6, unit: 18, unitName: 34, period: 12, procedure: 12, procedureName: 34, met: 12 };
const PERCENT: ReadonlySet<Column> = new Set(['rate', 'resultsRate', 'reuseRate', 'target']);

export const MET_WORDS = { true: 'Đạt', false: 'Không đạt', null: 'Không có hồ sơ' } as const;
export const UNKNOWN_PROCEDURE = { code: '(chưa xác định)', name: 'Hồ sơ chưa xác định thủ tục' } as const;
const GROUP_WORDS: Record<GroupBy, string> = { day: 'ngày', month: 'tháng', quarter: 'quý', year: 'năm' };
const vnDate = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;
const vnTime = (at: Date) => {
  const local = new Date(at.getTime() + 7 * 3600_000).toISOString(); // Vietnam time, +07:00 all year
  return `${local.slice(11, 19)} ${vnDate(local.slice(0, 10))}`;
};

export interface SheetInput {
  from: string; to: string; groupBy: GroupBy; generatedAt: Date;
  /** Per unit and period, with how deep each unit sits (its name is indented). */
  totals: readonly (ReportRow & { depth: number })[];
  perProcedure: readonly ReportRow[];
  procedureNames: ReadonlyMap<string, string>;
}

function addSheet(workbook: ExcelJS.Workbook, name: string, title: string, input: SheetInput, columns: Column[], rows: readonly (ReportRow & { depth?: number })[]) {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 4 }] });
  sheet.columns = columns.map((c) => ({ key: c, width: WIDTHS[c] ?? 16 }));
  sheet.addRow([title]).font = { bold: true, size: 13 };
  sheet.addRow([`Từ ngày ${vnDate(input.from)} đến ngày ${vnDate(input.to)}, theo ${GROUP_WORDS[input.groupBy]}; lập lúc ${vnTime(input.generatedAt)} (giờ Việt Nam)`]);
  sheet.addRow([]);
  const head = sheet.addRow(columns.map((c) => SHEET_HEADINGS[c]));
  head.font = { bold: true };
  head.alignment = { wrapText: true, vertical: 'middle' };
  rows.forEach((r, i) => {
    const row = sheet.addRow(columns.map((c) => {
      if (c === 'ordinal') return i + 1;
      if (c === 'procedure') return r.procedure ?? UNKNOWN_PROCEDURE.code;
      if (c === 'procedureName') return r.procedure ? input.procedureNames.get(r.procedure) ?? null : UNKNOWN_PROCEDURE.name;
      if (c === 'met') return MET_WORDS[String(r.met) as keyof typeof MET_WORDS];
      return r[c] ?? null;
    }));
    columns.forEach((c, j) => {
      if (PERCENT.has(c)) row.getCell(j + 1).numFmt = '0.00%';
    });
    if (r.depth) row.getCell(columns.indexOf('unitName') + 1).alignment = { indent: r.depth };
    if (r.met === false) row.getCell(columns.indexOf('met') + 1).font = { color: { argb: 'FFC00000' }, bold: true };
  });
}

/** The inspectors' workbook: "Tổng hợp" (each unit, rolled up, per period) and "Theo thủ tục" (per procedure). */
export async function digitizationXlsx(input: SheetInput): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'sohoa';
  workbook.created = input.generatedAt;
  addSheet(workbook, 'Tổng hợp', 'BÁO CÁO TỶ LỆ SỐ HÓA HỒ SƠ, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH', input, SUMMARY, input.totals);
  addSheet(workbook, 'Theo thủ tục', 'TỶ LỆ SỐ HÓA THEO THỦ TỤC HÀNH CHÍNH', input, PER_PROCEDURE, input.perProcedure);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
