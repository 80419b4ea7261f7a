/**
 * The destruction minute (biên bản hủy tài liệu hết giá trị): a PDF made by sohoa that says which records were
 * destroyed, by whose proposal and approval, and which were skipped and why. DejaVu Sans (as the OCR PDF embeds)
 * carries every Vietnamese letter. Signed afterwards with the unit's certificate and kept as a permanent record.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';

export interface MinuteItem { recordId: string; dossierCode: string | null; title: string; retainUntil: string | null; sha256: string; outcome: string }
export interface MinuteContent {
  listId: string; unitName: string; proposedBy: string; proposedAt: Date; approvedBy: string; approvedAt: Date; executedAt: Date;
  decisionReason: string | null; items: MinuteItem[];
}

const require = createRequire(import.meta.url);
let fontBytes: Promise<Buffer> | undefined;

const OUTCOME_WORDS: Record<string, string> = {
  disposed: 'đã hủy', 'skipped-held': 'không hủy: đang bị phong tỏa (legal hold)', 'skipped-retained': 'không hủy: còn thời hạn bảo quản', 'skipped-kept': 'không hủy: giữ lại chờ xét lại',
};

/** hh:mm:ss dd/mm/yyyy in Vietnam time, as on the records' signature boxes. */
const vietnamTime = (at: Date) => {
  const t = new Date(at.getTime() + 7 * 3600_000).toISOString();
  return `${t.slice(11, 19)} ${t.slice(8, 10)}/${t.slice(5, 7)}/${t.slice(0, 4)} (+07:00)`;
};

export async function buildDispositionMinute(c: MinuteContent): Promise<Uint8Array> {
  fontBytes ??= readFile(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'));
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  const font = await pdf.embedFont(await fontBytes, { subset: true });
  pdf.setTitle(`Biên bản hủy tài liệu ${c.listId}`);
  pdf.setLanguage('vi');
  pdf.setProducer('sohoa');
  const writer = new PageWriter(pdf, font);
  writer.line('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 11, true);
  writer.line('Độc lập - Tự do - Hạnh phúc', 10, true);
  writer.gap(14);
  writer.line('BIÊN BẢN HỦY TÀI LIỆU HẾT GIÁ TRỊ', 14, true);
  writer.gap(8);
  writer.line(`Đơn vị: ${c.unitName}`);
  writer.line(`Danh mục hủy: ${c.listId}`);
  writer.line(`Người đề nghị: ${c.proposedBy}, lúc ${vietnamTime(c.proposedAt)}`);
  writer.line(`Người phê duyệt: ${c.approvedBy}, lúc ${vietnamTime(c.approvedAt)}`);
  if (c.decisionReason) writer.line(`Ý kiến phê duyệt: ${c.decisionReason}`);
  writer.line(`Thời điểm thực hiện: ${vietnamTime(c.executedAt)}`);
  const disposed = c.items.filter((i) => i.outcome === 'disposed').length;
  writer.line(`Số tài liệu đã hủy: ${disposed}; không hủy: ${c.items.length - disposed}`);
  writer.gap(8);
  c.items.forEach((item, n) => {
    writer.line(`${n + 1}. ${item.title} — hồ sơ ${item.dossierCode ?? '—'}`, 9);
    writer.line(`   mã tài liệu ${item.recordId}; hạn bảo quản đến ${item.retainUntil ?? 'vĩnh viễn'}; ${OUTCOME_WORDS[item.outcome] ?? item.outcome}`, 8);
    writer.line(`   SHA-256 ${item.sha256}`, 8);
  });
  return pdf.save({ useObjectStreams: false });
}

/** Lines down A4 pages, a new page when one is full; long lines are cut into pieces that fit. */
class PageWriter {
  private page: PDFPage;
  private y = 0;
  constructor(private readonly pdf: PDFDocument, private readonly font: PDFFont) {
    this.page = this.newPage();
  }
  private newPage(): PDFPage {
    const page = this.pdf.addPage([595.28, 841.89]);
    this.y = 841.89 - 120; // room for the unit's signature box at the top right of page 1
    return page;
  }
  gap(points: number) {
    this.y -= points;
  }
  line(text: string, size = 10, centred = false) {
    const width = 595.28 - 2 * 56;
    for (const piece of this.wrap(text, size, width)) {
      if (this.y < 56) this.page = this.newPage();
      const x = centred ? (595.28 - this.font.widthOfTextAtSize(piece, size)) / 2 : 56;
      this.page.drawText(piece, { x, y: this.y, size, font: this.font, color: rgb(0, 0, 0) });
      this.y -= size * 1.45;
    }
  }
  private wrap(text: string, size: number, width: number): string[] {
    const out: string[] = [];
    let current = '';
    for (const ch of text) {
      if (this.font.widthOfTextAtSize(current + ch, size) > width) {
        out.push(current);
        current = '   ';
      }
      current += ch;
    }
    return [...out, current];
  }
}
