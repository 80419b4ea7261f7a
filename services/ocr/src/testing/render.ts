import sharp from 'sharp';

/** Test fixtures: A4 pages rendered from text with the system DejaVu fonts, and a CER measure. */

export const SAMPLE_LINES = [
  'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
  'Độc lập - Tự do - Hạnh phúc',
  'TỜ KHAI ĐĂNG KÝ KHAI SINH',
  'Kính gửi: Ủy ban nhân dân phường Bến Nghé',
  'Họ, chữ đệm, tên người yêu cầu: Nguyễn Thị Thu Hương',
  'Số định danh cá nhân: 079301012345',
  'Nơi cư trú: số 12 đường Lê Lợi, quận Hoàn Kiếm',
  'Quan hệ với người được khai sinh: mẹ đẻ',
  'Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:',
  'Họ, chữ đệm, tên: Trần Minh Đức',
  'Ngày, tháng, năm sinh: 15/08/2024',
  'Giới tính: Nam  Dân tộc: Kinh  Quốc tịch: Việt Nam',
  'Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật.',
];

export interface PageSpec {
  lines: string[];
  dpi?: number; // default 200
  fontPt?: number; // default 12
  font?: string; // default 'DejaVu Serif'
  paper?: string; // background colour, default white
  ink?: string; // default near-black
  /** Extra SVG drawn over the page (seals, signatures). */
  overlay?: string;
  /** Top margin in inches, default 1. */
  top?: number;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An A4 page (portrait) as PNG, with `density` set to the dpi. */
export async function renderPage(spec: PageSpec): Promise<Buffer> {
  const dpi = spec.dpi ?? 200;
  const width = Math.round(8.27 * dpi);
  const height = Math.round(11.69 * dpi);
  const size = ((spec.fontPt ?? 12) / 72) * dpi;
  const left = Math.round(0.9 * dpi);
  const top = (spec.top ?? 1) * dpi;
  const lineHeight = size * 1.8;
  const text = spec.lines
    .map((line, i) => `<text x="${left}" y="${Math.round(top + i * lineHeight)}">${escapeXml(line)}</text>`)
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="${spec.paper ?? '#ffffff'}"/>
    <g font-family="${spec.font ?? 'DejaVu Serif'}" font-size="${size.toFixed(1)}" fill="${spec.ink ?? '#141414'}">${text}</g>
    ${spec.overlay ?? ''}
  </svg>`;
  return sharp(Buffer.from(svg), { density: 72 }).flatten({ background: '#ffffff' }).withDensity(dpi).png().toBuffer();
}

/** Rotate a rendered page clockwise by `degrees`, filling with white, keeping the canvas growth. */
export async function rotatePage(png: Buffer, degrees: number, background = '#ffffff'): Promise<Buffer> {
  const meta = await sharp(png).metadata();
  return sharp(png).rotate(degrees, { background }).withDensity(meta.density ?? 200).png().toBuffer();
}

export { characterErrorRate, normalizeText } from './accuracy.ts';
