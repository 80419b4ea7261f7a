/**
 * Papers as counters really see them, for the matching benchmark and the samples: the catalog templates'
 * bodies under the titles people actually bring. A paper's title is rarely the catalog's name: a colloquial
 * "Đơn xin …" for "Đơn đề nghị …", the long official title of a certificate, a form number or appendix line
 * above it, the title broken over two or three lines, an issuing body's header (a hospital, a school) above
 * it all, a "V/v …" purpose line, contracts named after what is rented, drawings with almost no text, and
 * for a certified copy whatever original the citizen brought.
 *
 * Two parts with separate wording pools: `tuning` (the matcher and its threshold may be tuned on it) and
 * `heldout` (different titles, headers, form-number editions and drawing labels; never tuned on). The
 * catalog's aliases were written from the tuning pools' kind of knowledge, not from the held-out titles.
 */
import { catalogDocumentFor, CATALOG_COMPONENTS, CATALOG_RESULTS, type CatalogCode } from './documents-catalog.ts';
import { BODY, day, field, prose, signature, type CatalogDocument } from './document-parts.ts';
import { MOTTO, MOTTO_SUB, type Block } from './documents.ts';
import { formatDate, person } from './people.ts';
import { createRng, type Rng } from './prng.ts';
import { a4Geometry, layoutBlocks } from './render.ts';

export type VariantPart = 'tuning' | 'heldout';

/** What makes a variant hard, for the benchmark's breakdown. */
export type VariantTrait =
  | 'colloquial' | 'official-long' | 'form-number' | 'wrapped' | 'issuer-header' | 'purpose-line' | 'contract-name' | 'drawing' | 'original' | 'catalog-title';

export interface VariantDocument {
  code: CatalogCode;
  procedure: string;
  kind: 'component' | 'result';
  doc: CatalogDocument;
  traits: VariantTrait[];
}

interface Pools {
  titles: Partial<Record<CatalogCode, string[]>>;
  /** Issuing bodies printed above the motto, by the kind of body that issues the paper. */
  issuers: Record<'hospital' | 'school' | 'commune' | 'company' | 'police', string[][]>;
  /** Form-number lines a paper may carry, by code (the edition the citizen's paper was printed from). */
  forms: Partial<Record<CatalogCode, string[]>>;
  /** Form-number lines of unrelated editions, which name no catalog entry. */
  otherForms: string[];
  purposes: Partial<Record<CatalogCode, string[]>>;
  originals: Array<{ title: string; issuer: keyof Pools['issuers'] }>;
  drawing: { titles: string[]; scales: string[]; rooms: string[] };
  stamps: string[];
}

const TUNING: Pools = {
  titles: {
    'KS-TK': ['TỜ KHAI ĐĂNG KÝ KHAI SINH', 'TỜ KHAI KHAI SINH', 'ĐƠN XIN ĐĂNG KÝ KHAI SINH'],
    'KS-GCS': ['GIẤY CHỨNG SINH', 'GIẤY CHỨNG SINH (BẢN CHÍNH)'],
    'KS-UQ': ['VĂN BẢN ỦY QUYỀN', 'GIẤY ỦY QUYỀN'],
    'KT-TK': ['TỜ KHAI ĐĂNG KÝ KHAI TỬ', 'ĐƠN XIN ĐĂNG KÝ KHAI TỬ'],
    'KT-GBT': ['GIẤY BÁO TỬ'],
    'XD-DON': ['ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP XÂY DỰNG', 'ĐƠN XIN CẤP GIẤY PHÉP XÂY DỰNG', 'ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP XÂY DỰNG NHÀ Ở RIÊNG LẺ'],
    'XD-GCN': ['GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT', 'GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT'],
    'XD-CK': ['BẢN CAM KẾT BẢO ĐẢM AN TOÀN ĐỐI VỚI CÔNG TRÌNH LIỀN KỀ', 'BẢN CAM KẾT'],
    'HKD-GDN': ['GIẤY ĐỀ NGHỊ ĐĂNG KÝ HỘ KINH DOANH', 'ĐƠN XIN ĐĂNG KÝ HỘ KINH DOANH'],
    'HKD-BB': ['BIÊN BẢN HỌP THÀNH VIÊN HỘ GIA ĐÌNH', 'BIÊN BẢN HỌP GIA ĐÌNH'],
    'HKD-HD': ['HỢP ĐỒNG THUÊ ĐỊA ĐIỂM KINH DOANH', 'HỢP ĐỒNG THUÊ NHÀ', 'HỢP ĐỒNG THUÊ MẶT BẰNG'],
    'CT-PYC': ['PHIẾU YÊU CẦU CHỨNG THỰC', 'ĐƠN XIN CHỨNG THỰC BẢN SAO'],
    'KS-KQ': ['GIẤY KHAI SINH', 'GIẤY KHAI SINH (BẢN CHÍNH)'],
    'KT-KQ': ['TRÍCH LỤC KHAI TỬ'],
    'XD-KQ': ['GIẤY PHÉP XÂY DỰNG'],
    'HKD-KQ': ['GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH'],
  },
  issuers: {
    hospital: [['SỞ Y TẾ TỈNH BÌNH DƯƠNG', 'BỆNH VIỆN ĐA KHOA TỈNH'], ['BỆNH VIỆN PHỤ SẢN TỪ DŨ']],
    school: [['SỞ GIÁO DỤC VÀ ĐÀO TẠO', 'TRƯỜNG THPT NGUYỄN DU'], ['TRƯỜNG THCS LÊ LỢI']],
    commune: [['ỦY BAN NHÂN DÂN', 'PHƯỜNG TÂN ĐỊNH']],
    company: [['CÔNG TY TNHH TƯ VẤN THIẾT KẾ AN PHÁT']],
    police: [['CÔNG AN TỈNH ĐỒNG NAI', 'PHÒNG CẢNH SÁT QLHC VỀ TTXH']],
  },
  forms: {
    'KS-TK': ['Mẫu TP/HT-2020-KS.1'],
    'KT-TK': ['Mẫu TP/HT-2020-KT'],
    'XD-DON': ['Mẫu số 01 Phụ lục II'],
    'HKD-GDN': ['Phụ lục III-1'],
    'CT-PYC': ['Mẫu số 01/PYC-CT'],
  },
  otherForms: ['Mẫu số 03/2019', 'Phụ lục 5', 'Mẫu TP/CC-2019'],
  purposes: {
    'KS-UQ': ['V/v ủy quyền đăng ký khai sinh'],
    'XD-CK': ['V/v bảo đảm an toàn cho công trình liền kề'],
    'HKD-BB': ['V/v cử người đại diện hộ kinh doanh'],
    'XD-DON': ['V/v xin phép xây dựng nhà ở'],
    'CT-PYC': ['V/v chứng thực bản sao giấy tờ'],
  },
  originals: [
    { title: 'GIẤY KHAI SINH', issuer: 'commune' },
    { title: 'BẰNG TỐT NGHIỆP TRUNG HỌC PHỔ THÔNG', issuer: 'school' },
    { title: 'HỌC BẠ TRUNG HỌC CƠ SỞ', issuer: 'school' },
    { title: 'GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ', issuer: 'police' },
    { title: 'GIẤY CHỨNG NHẬN KẾT HÔN', issuer: 'commune' },
    { title: 'BẰNG CỬ NHÂN', issuer: 'school' },
  ],
  drawing: {
    titles: ['BẢN VẼ THIẾT KẾ XÂY DỰNG', 'MẶT BẰNG TẦNG 1', ''],
    scales: ['TỶ LỆ 1:100', 'Tỷ lệ 1:50'],
    rooms: ['P. NGỦ', 'P. KHÁCH', 'BẾP', 'WC', 'SÂN', 'CẦU THANG'],
  },
  stamps: ['CHỨNG THỰC BẢN SAO ĐÚNG VỚI BẢN CHÍNH'],
};

const HELDOUT: Pools = {
  titles: {
    'KS-TK': ['TỜ KHAI ĐĂNG KÝ KHAI SINH (DÙNG CHO CÔNG DÂN VIỆT NAM)', 'TỜ KHAI ĐĂNG KÍ KHAI SINH', 'ĐƠN ĐỀ NGHỊ ĐĂNG KÝ KHAI SINH CHO CON'],
    'KS-GCS': ['GIẤY CHỨNG SINH', 'GIẤY CHỨNG SINH (Dùng cho trẻ sinh ra tại cơ sở khám bệnh, chữa bệnh)'],
    'KS-UQ': ['HỢP ĐỒNG ỦY QUYỀN', 'GIẤY UỶ QUYỀN'],
    'KT-TK': ['TỜ KHAI KHAI TỬ', 'ĐƠN ĐỀ NGHỊ ĐĂNG KÍ KHAI TỬ'],
    'KT-GBT': ['GIẤY BÁO TỬ', 'GIẤY BÁO TỬ (Dùng cho người chết tại cơ sở y tế)'],
    'XD-DON': ['ĐƠN XIN PHÉP XÂY DỰNG', 'ĐƠN XIN CẤP PHÉP XÂY DỰNG NHÀ Ở', 'ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP XÂY DỰNG (Sử dụng cho công trình nhà ở riêng lẻ)'],
    'XD-GCN': ['GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT', 'GIẤY CHỨNG NHẬN QUYỀN SỞ HỮU NHÀ Ở VÀ QUYỀN SỬ DỤNG ĐẤT Ở'],
    'XD-CK': ['GIẤY CAM KẾT', 'CAM KẾT ĐẢM BẢO AN TOÀN CÔNG TRÌNH LIỀN KỀ'],
    'HKD-GDN': ['GIẤY ĐỀ NGHỊ ĐĂNG KÝ THÀNH LẬP HỘ KINH DOANH', 'ĐƠN ĐĂNG KÝ KINH DOANH HỘ CÁ THỂ'],
    'HKD-BB': ['BIÊN BẢN HỌP CÁC THÀNH VIÊN GIA ĐÌNH', 'BIÊN BẢN THỎA THUẬN CỦA CÁC THÀNH VIÊN HỘ GIA ĐÌNH'],
    'HKD-HD': ['HỢP ĐỒNG THUÊ CỬA HÀNG', 'HỢP ĐỒNG THUÊ KI ỐT', 'HỢP ĐỒNG CHO THUÊ NHÀ Ở LÀM ĐỊA ĐIỂM KINH DOANH', 'HỢP ĐỒNG MƯỢN NHÀ'],
    'CT-PYC': ['PHIẾU YÊU CẦU CHỨNG THỰC BẢN SAO TỪ BẢN CHÍNH', 'ĐƠN ĐỀ NGHỊ SAO Y BẢN CHÍNH', 'GIẤY ĐỀ NGHỊ CHỨNG THỰC'],
    'KS-KQ': ['GIẤY KHAI SINH', 'GIẤY KHAI SINH (Bản chính)'],
    'KT-KQ': ['TRÍCH LỤC KHAI TỬ (BẢN CHÍNH)', 'TRÍCH LỤC ĐĂNG KÝ KHAI TỬ'],
    'XD-KQ': ['GIẤY PHÉP XÂY DỰNG (Sử dụng cho nhà ở riêng lẻ)', 'GIẤY PHÉP XÂY DỰNG NHÀ Ở'],
    'HKD-KQ': ['GIẤY CHỨNG NHẬN ĐĂNG KÝ KINH DOANH HỘ KINH DOANH', 'GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH'],
  },
  issuers: {
    hospital: [['TRUNG TÂM Y TẾ HUYỆN CỦ CHI'], ['TRẠM Y TẾ XÃ AN PHÚ'], ['SỞ Y TẾ HÀ NỘI', 'BỆNH VIỆN BẠCH MAI']],
    school: [['ĐẠI HỌC QUỐC GIA HÀ NỘI', 'TRƯỜNG ĐẠI HỌC KHOA HỌC TỰ NHIÊN'], ['PHÒNG GIÁO DỤC VÀ ĐÀO TẠO QUẬN 3', 'TRƯỜNG THCS BÀN CỜ']],
    commune: [['UBND HUYỆN BÌNH CHÁNH', 'UBND XÃ VĨNH LỘC A']],
    company: [['CÔNG TY CỔ PHẦN KIẾN TRÚC XANH', 'PHÒNG THIẾT KẾ']],
    police: [['CÔNG AN PHƯỜNG 7'], ['BỘ CÔNG AN', 'CỤC CẢNH SÁT QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI']],
  },
  forms: {
    'KS-TK': ['Mẫu: TP/HT-2020-KS.1', 'Mẫu số 01/2022/TT-BTP'],
    'KT-TK': ['Mẫu: TP/HT-2020-KT'],
    'XD-DON': ['Mẫu số 01 - Phụ lục II (Ban hành kèm theo Nghị định số 15/2021/NĐ-CP)'],
    'HKD-GDN': ['PHỤ LỤC III-1 (Ban hành kèm theo Thông tư số 02/2023/TT-BKHĐT)'],
    'CT-PYC': ['Mẫu số 01/PYC-CT'],
  },
  otherForms: ['Mẫu số 02', 'Phụ lục I', 'Mẫu số 11/BKHĐT', 'Mẫu HT-08'],
  purposes: {
    'KS-UQ': ['V/v ủy quyền nộp hồ sơ và nhận kết quả'],
    'XD-CK': ['V/v cam kết an toàn khi thi công'],
    'HKD-BB': ['V/v thống nhất thành lập hộ kinh doanh'],
    'HKD-HD': ['V/v thuê nhà làm cửa hàng'],
    'KS-TK': ['V/v đăng ký khai sinh đúng hạn'],
  },
  originals: [
    { title: 'BẰNG TỐT NGHIỆP ĐẠI HỌC', issuer: 'school' },
    { title: 'HỌC BẠ TRUNG HỌC PHỔ THÔNG', issuer: 'school' },
    { title: 'XÁC NHẬN CƯ TRÚ', issuer: 'police' },
    { title: 'GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN', issuer: 'commune' },
    { title: 'CHỨNG CHỈ TIN HỌC ỨNG DỤNG CƠ BẢN', issuer: 'school' },
    { title: 'GIẤY RA VIỆN', issuer: 'hospital' },
    { title: 'BẢNG ĐIỂM', issuer: 'school' },
    { title: 'GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT', issuer: 'commune' },
  ],
  drawing: {
    titles: ['HỒ SƠ THIẾT KẾ', 'MẶT ĐỨNG TRỤC 1-4', 'MẶT CẮT A-A', ''],
    scales: ['TL 1/100', 'Tỉ lệ: 1/50', 'TỶ LỆ 1/200'],
    rooms: ['PHÒNG NGỦ 1', 'PHÒNG KHÁCH', 'KHO', 'VỆ SINH', 'GARA', 'BAN CÔNG'],
  },
  stamps: ['Chứng thực bản sao đúng với bản chính', 'SAO Y BẢN CHÍNH'],
};

const POOLS: Record<VariantPart, Pools> = { tuning: TUNING, heldout: HELDOUT };

/** Who issues each paper: its header above the motto, when it has one. */
const ISSUER: Partial<Record<CatalogCode, keyof Pools['issuers']>> = {
  'KS-GCS': 'hospital', 'KT-GBT': 'hospital', 'XD-GCN': 'commune', 'KS-KQ': 'commune', 'KT-KQ': 'commune', 'XD-KQ': 'commune', 'HKD-KQ': 'commune',
};

const isMotto = (b: Block): boolean => b.text === MOTTO || b.text === MOTTO_SUB;

/** The first page's body: the template's first page without its motto, title and subtitle lines. */
function bodyOf(first: Block[]): Block[] {
  let i = 0;
  while (i < first.length && (isMotto(first[i]) || (first[i].align === 'center' && (first[i].bold || first[i].italic)))) i++;
  return first.slice(i);
}

/** Long titles break where the printer broke them: two or three lines at word boundaries. */
export function breakTitle(title: string, rng: Rng): string[] {
  const words = title.split(' ');
  if (words.length < 5 || !rng.chance(0.6)) return [title];
  const parts = words.length >= 9 && rng.chance(0.5) ? 3 : 2;
  const out: string[] = [];
  let from = 0;
  for (let p = 1; p <= parts; p++) {
    const to = p === parts ? words.length : Math.max(from + 1, Math.round((words.length * p) / parts) + rng.int(-1, 1));
    out.push(words.slice(from, to).join(' '));
    from = to;
  }
  return out.filter(Boolean);
}

interface Header {
  issuer?: string[];
  form?: string;
  formAbove?: boolean;
  motto: boolean;
  title: string[];
  purpose?: string;
}

function headerBlocks(h: Header): Block[] {
  const blocks: Block[] = [];
  const form: Block[] = h.form ? [{ text: h.form, align: 'signature', size: 11, italic: true, gapBefore: 2 }] : [];
  if (h.formAbove) blocks.push(...form);
  if (h.issuer) h.issuer.forEach((text, i) => blocks.push({ text, align: 'left', size: 12, bold: i === h.issuer!.length - 1, gapBefore: i === 0 ? 0 : 1 }));
  if (h.motto) blocks.push({ text: MOTTO, align: 'center', size: 13, bold: true, gapBefore: 4 }, { text: MOTTO_SUB, align: 'center', size: 13.5, bold: true, gapBefore: 2 });
  if (!h.formAbove) blocks.push(...form);
  h.title.forEach((text, i) => blocks.push({ text, align: 'center', size: 15, bold: true, gapBefore: i === 0 ? 22 : 2 }));
  if (h.purpose) blocks.push({ text: h.purpose, align: 'center', size: BODY, italic: true, gapBefore: 2 });
  return blocks;
}

function drawing(pools: Pools, rng: Rng): { doc: CatalogDocument; traits: VariantTrait[] } {
  const owner = person(rng.fork('owner'), { fromYear: 1960, toYear: 1995 });
  const sheets = rng.int(1, 3);
  const label = (): Block => ({ text: `${rng.pick(pools.drawing.rooms)}   ${rng.int(24, 60) * 100} x ${rng.int(24, 60) * 100}`, align: 'left', size: 10, gapBefore: rng.int(20, 90) });
  const page = (n: number): Block[] => {
    const title = rng.pick(pools.drawing.titles);
    const blocks: Block[] = title ? [{ text: title, align: 'center', size: rng.pick([14, 16, 18]), bold: true, gapBefore: rng.int(10, 80) }] : [];
    for (let k = rng.int(3, 6); k > 0; k--) blocks.push(label());
    blocks.push({ text: `${rng.int(3, 12) * 1000}`, align: 'center', size: 9, gapBefore: 30 });
    blocks.push({ text: rng.pick(pools.drawing.scales), align: 'signature', size: 11, bold: rng.chance(0.5), gapBefore: 40 });
    if (rng.chance(0.5)) blocks.push({ text: `KT-0${n}   Chủ đầu tư: ${owner.fullName}`, align: 'signature', size: 9, gapBefore: 4 });
    return blocks;
  };
  return {
    doc: { procedure: 'XD', component: 'XD-BV', kind: 'component', title: '', sealText: '', fields: { ownerName: owner.fullName }, pages: Array.from({ length: sheets }, (_, i) => page(i + 1)) },
    traits: ['drawing'],
  };
}

function original(pools: Pools, rng: Rng): { doc: CatalogDocument; title: string; issuer: string[] } {
  const holder = person(rng.fork('holder'), { fromYear: 1975, toYear: 2008 });
  const pick = rng.pick(pools.originals);
  const issuer = rng.pick(pools.issuers[pick.issuer]);
  const issued = day(rng, 2000, 2024);
  const body: Block[] = [
    field('Họ và tên', holder.fullName),
    field('Ngày sinh', holder.birthDate),
    field('Số định danh cá nhân', holder.identifier),
    prose(`Nơi cư trú: ${holder.address}`),
    prose(`Cấp ngày ${formatDate(issued)}. Số vào sổ: ${rng.int(10, 9999)}.`),
    ...signature(holder.province.name, issued, rng.pick(['Thủ trưởng cơ quan', 'Hiệu trưởng', 'Giám đốc', 'Chủ tịch']), person(rng.fork('signer'), { fromYear: 1960, toYear: 1985 }).fullName),
  ];
  const doc: CatalogDocument = {
    procedure: 'CT', component: 'CT-BC', kind: 'component', title: pick.title, sealText: issuer[issuer.length - 1],
    fields: { holderName: holder.fullName, holderIdentifier: holder.identifier }, pages: [body],
  };
  return { doc, title: pick.title, issuer };
}

/** One variant of a catalog code's paper, drawn from the part's pools. */
export function variantDocument(code: CatalogCode, part: VariantPart, rng: Rng): VariantDocument {
  const pools = POOLS[part];
  const base = catalogDocumentFor(code, rng.fork('base'));
  const kind = (CATALOG_RESULTS as readonly string[]).includes(code) ? 'result' : 'component';
  if (code === 'XD-BV') {
    const d = drawing(pools, rng.fork('drawing'));
    return { code, procedure: 'XD', kind, doc: d.doc, traits: d.traits };
  }
  const traits: VariantTrait[] = [];
  let body = bodyOf(base.pages[0]);
  let title: string;
  let issuer: string[] | undefined;
  let stamp: Block[] = [];
  let topLine: Block[] = [];
  if (code === 'CT-BC' || code === 'CT-KQ') {
    const o = original(pools, rng.fork('original'));
    title = o.title;
    issuer = o.issuer;
    body = o.doc.pages[0];
    traits.push('original', 'issuer-header');
    if (code === 'CT-KQ') {
      body = body.filter((b) => b.align !== 'signature');
      if (rng.chance(0.6)) topLine = [{ text: 'BẢN SAO', align: 'left', size: 12, bold: true }];
      stamp = [
        { text: rng.pick(pools.stamps), align: 'left', size: BODY, bold: true, gapBefore: 24 },
        prose(`Số chứng thực: ${rng.int(1, 999)}, quyển số 01/2025-SCT/BS`, 4),
        { text: 'Người thực hiện chứng thực', align: 'signature', size: BODY, bold: true, gapBefore: 8 },
      ];
    }
  } else {
    const titles = pools.titles[code] ?? [base.title];
    title = rng.pick(titles);
    const folded = title.toLowerCase();
    if (title === base.title) traits.push('catalog-title');
    if (/^đơn xin|^đơn đăng|^giấy cam|^cam kết|^hợp đồng ủy|^hợp đồng uỷ/u.test(folded)) traits.push('colloquial');
    if (title.split(' ').length >= 10) traits.push('official-long');
    if (code === 'HKD-HD' || code === 'KS-UQ') traits.push('contract-name');
    const issuerKind = ISSUER[code];
    if (issuerKind && rng.chance(0.75)) {
      issuer = rng.pick(pools.issuers[issuerKind]);
      traits.push('issuer-header');
    }
  }
  const formPool = pools.forms[code];
  let form: string | undefined;
  if (formPool && rng.chance(0.5)) form = rng.pick(formPool);
  else if (rng.chance(0.2)) form = rng.pick(pools.otherForms);
  if (form) traits.push('form-number');
  const purposePool = pools.purposes[code];
  const purpose = purposePool && rng.chance(0.5) ? rng.pick(purposePool) : undefined;
  if (purpose) traits.push('purpose-line');
  const lines = breakTitle(title, rng.fork('break'));
  if (lines.length > 1) traits.push('wrapped');
  const first = [...topLine, ...headerBlocks({ issuer, form, formAbove: rng.chance(0.5), motto: rng.chance(0.85), title: lines, purpose }), ...body, ...stamp];
  const doc: CatalogDocument = { ...base, title, pages: [first, ...(code === 'CT-BC' || code === 'CT-KQ' ? [] : base.pages.slice(1))] };
  return { code, procedure: base.procedure, kind, doc, traits: [...new Set(traits)] };
}

/** Every component and result of the sample catalog. */
export const VARIANT_CODES: readonly CatalogCode[] = [...CATALOG_COMPONENTS, ...CATALOG_RESULTS];

/** Default seeds: the held-out part is drawn from its own seed and its own pools. */
export const VARIANT_SEEDS: Record<VariantPart, number> = { tuning: 20261203, heldout: 73120062 };

/** `perCode` variants of every code, in a seeded order (as papers arrive at counters). */
export function variantCorpus(part: VariantPart, perCode: number, seed = VARIANT_SEEDS[part]): VariantDocument[] {
  const root = createRng(seed);
  const out: VariantDocument[] = [];
  for (let i = 0; i < perCode; i++) for (const code of VARIANT_CODES) out.push(variantDocument(code, part, root.fork(`${code}-${i}`)));
  for (let i = out.length - 1; i > 0; i--) {
    const j = root.int(0, i);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Tesseract's usual slips on Vietnamese, seeded: a word's diacritics dropped or stacked wrong, ư/u, ơ/o, đ/d, a letter misread. */
export function ocrSlips(text: string, rng: Rng, rate = 0.08): string {
  const swaps: Array<[RegExp, string]> = [[/ư/g, 'u'], [/ơ/g, 'o'], [/đ/g, 'd'], [/Đ/g, 'D'], [/ộ/g, 'ỗ'], [/ấ/g, 'ẩ'], [/rn/g, 'm'], [/l/g, 'I'], [/e/g, 'c']];
  return text
    .split('\n')
    .map((line) =>
      line
        .split(' ')
        .map((word) => {
          if (!word || !rng.chance(rate)) return word;
          if (rng.chance(0.5)) return word.normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC');
          const [re, to] = rng.pick(swaps);
          return word.replace(re, to);
        })
        .join(' '),
    )
    .join('\n');
}

export interface TruthLine {
  text: string;
  /** Left edge and top of the line, px at the page's dpi. */
  x: number;
  top: number;
  /** Letter height, px. */
  height: number;
}

/** The lines of a document's pages as laid out on A4 at `dpi`: the text a perfect OCR pass would return, with its boxes. */
export function laidOutLines(doc: CatalogDocument, dpi = 200): { width: number; height: number; lines: TruthLine[] }[] {
  const geometry = a4Geometry(dpi);
  return doc.pages.map((blocks) => ({
    width: geometry.width,
    height: geometry.height,
    lines: layoutBlocks(blocks, geometry).lines.map((l) => ({
      text: l.text,
      x: l.anchor === 'middle' ? l.x - (l.text.length * l.sizePx * 0.55) / 2 : l.x,
      top: l.y - l.sizePx * 0.75,
      height: l.sizePx * 0.75,
    })),
  }));
}
