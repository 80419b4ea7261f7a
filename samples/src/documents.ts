/**
 * The content of sample pages: one template per catalog component, filled
 * with seeded personal data. Templates follow the shape of the real forms
 * (motto, title, "Kính gửi", labelled fields, a pledge, place/date and a
 * signature block) without claiming to be their exact legal wording.
 */
import type { Rng } from './prng.ts';
import { dateInWords, formatDate, longDate, person, randomDate, type Person } from './people.ts';

export type Align = 'left' | 'center' | 'signature';

/** One paragraph; left paragraphs wrap, the others are a single line. */
export interface Block {
  text: string;
  align: Align;
  /** Font size in points. */
  size: number;
  bold?: boolean;
  italic?: boolean;
  /** Extra space above, in points. */
  gapBefore?: number;
}

export interface DocumentContent {
  procedure: string;
  component: string;
  title: string;
  blocks: Block[];
  /** Field values as typed on the form, for extraction tests. */
  fields: Record<string, string>;
  /** Text around the red seal, when the paper carries one. */
  sealText: string;
}

export const MOTTO = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM';
export const MOTTO_SUB = 'Độc lập - Tự do - Hạnh phúc';

export const COMPONENTS = ['KS-TK', 'KS-GCS', 'XD-DON', 'HKD-GDN', 'CT-PYC'] as const;
export type SampleComponent = (typeof COMPONENTS)[number];

const BODY = 12.5;

const field = (label: string, value: string): Block => ({ text: `${label}: ${value}`, align: 'left', size: BODY });
const prose = (text: string, gapBefore = 6): Block => ({ text, align: 'left', size: BODY, gapBefore });

function header(title: string, subtitle?: string): Block[] {
  const blocks: Block[] = [
    { text: MOTTO, align: 'center', size: 13, bold: true },
    { text: MOTTO_SUB, align: 'center', size: 13.5, bold: true, gapBefore: 2 },
    { text: title, align: 'center', size: 15, bold: true, gapBefore: 26 },
  ];
  if (subtitle) blocks.push({ text: subtitle, align: 'center', size: BODY, italic: true, gapBefore: 2 });
  return blocks;
}

function signatureBlock(place: string, date: { day: number; month: number; year: number }, role: string, name: string): Block[] {
  return [
    { text: `${place}, ${longDate(date)}`, align: 'signature', size: BODY, italic: true, gapBefore: 16 },
    { text: role, align: 'signature', size: BODY, bold: true, gapBefore: 4 },
    { text: '(Ký, ghi rõ họ, chữ đệm, tên)', align: 'signature', size: 11.5, italic: true },
    { text: name, align: 'signature', size: BODY, bold: true, gapBefore: 70 },
  ];
}

function placeOf(p: Person): string {
  return p.ward.replace(/^(phường|xã) /, '').replace(/^./, (c) => c.toUpperCase());
}

/** Seals read "ỦY BAN NHÂN DÂN PHƯỜNG X" around the ring. */
function wardSeal(p: Person): string {
  return `ỦY BAN NHÂN DÂN ${p.ward.toUpperCase()}`;
}

function unitName(p: Person): string {
  return `Ủy ban nhân dân ${p.ward}`;
}

function birthForm(rng: Rng): DocumentContent {
  const parentSex = rng.pick(['Nam', 'Nữ'] as const);
  const applicant = person(rng.fork('applicant'), { sex: parentSex, fromYear: 1985, toYear: 2002 });
  const child = rng.pick(['Nam', 'Nữ'] as const);
  const born = randomDate(rng, 2025, 2025);
  const family = applicant.fullName.split(' ')[0];
  const childName = person(rng.fork('child'), { sex: child, family, province: applicant.province }).fullName;
  const other = person(rng.fork('other'), { sex: parentSex === 'Nam' ? 'Nữ' : 'Nam', fromYear: 1985, toYear: 2002, province: applicant.province });
  const [father, mother] = parentSex === 'Nam' ? [applicant, other] : [other, applicant];
  const signed = { day: Math.min(28, born.day + rng.int(3, 20)) , month: born.month, year: born.year };
  return {
    procedure: 'KS',
    component: 'KS-TK',
    title: 'TỜ KHAI ĐĂNG KÝ KHAI SINH',
    sealText: wardSeal(applicant),
    fields: {
      applicantName: applicant.fullName,
      applicantIdentifier: applicant.identifier,
      applicantAddress: applicant.address,
      childName,
      childBirthDate: formatDate(born),
      childSex: child,
      motherName: mother.fullName,
      fatherName: father.fullName,
    },
    blocks: [
      ...header('TỜ KHAI ĐĂNG KÝ KHAI SINH'),
      { text: `Kính gửi: ${unitName(applicant)}`, align: 'center', size: BODY, gapBefore: 14 },
      field('Họ, chữ đệm, tên người yêu cầu', applicant.fullName),
      field('Số định danh cá nhân', applicant.identifier),
      field('Nơi cư trú', applicant.address),
      field('Quan hệ với người được khai sinh', parentSex === 'Nam' ? 'Cha' : 'Mẹ'),
      prose('Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:', 8),
      field('Họ, chữ đệm, tên', childName),
      field('Ngày, tháng, năm sinh', `${formatDate(born)}, ghi bằng chữ: ${dateInWords(born)}`),
      field('Giới tính', `${child}; Dân tộc: Kinh; Quốc tịch: Việt Nam`),
      field('Nơi sinh', `Bệnh viện Phụ sản ${applicant.province.name.replace(/^(thành phố|Thành phố) /, '')}`),
      field('Họ, chữ đệm, tên người mẹ', `${mother.fullName}; năm sinh: ${mother.birthDate.slice(6)}`),
      field('Họ, chữ đệm, tên người cha', `${father.fullName}; năm sinh: ${father.birthDate.slice(6)}`),
      prose('Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật, được sự thỏa thuận nhất trí của các bên liên quan theo quy định pháp luật và chịu trách nhiệm trước pháp luật về cam đoan của mình.', 10),
      ...signatureBlock(placeOf(applicant), signed, 'Người yêu cầu', applicant.fullName),
    ],
  };
}

function birthCertificate(rng: Rng): DocumentContent {
  const mother = person(rng.fork('mother'), { sex: 'Nữ', fromYear: 1985, toYear: 2003 });
  const born = randomDate(rng, 2025, 2025);
  const hospital = `Bệnh viện Phụ sản ${mother.province.name.replace(/^(thành phố|Thành phố) /, '')}`;
  const doctor = person(rng.fork('doctor'), { fromYear: 1965, toYear: 1990 }).fullName;
  const weight = `${rng.int(26, 39) * 100} gam`;
  return {
    procedure: 'KS',
    component: 'KS-GCS',
    title: 'GIẤY CHỨNG SINH',
    sealText: hospital.toUpperCase(),
    fields: { motherName: mother.fullName, motherIdentifier: mother.identifier, motherAddress: mother.address, childBirthDate: formatDate(born), hospital },
    blocks: [
      ...header('GIẤY CHỨNG SINH', `Số: ${rng.int(100, 9999)}/GCS`),
      field('Họ và tên mẹ', mother.fullName),
      field('Năm sinh', mother.birthDate.slice(6)),
      field('Số định danh cá nhân', mother.identifier),
      field('Nơi đăng ký thường trú', mother.address),
      field('Dân tộc', 'Kinh'),
      prose(`Đã sinh con vào lúc ${rng.int(0, 23)} giờ ${rng.int(0, 59)} phút, ngày ${formatDate(born)}`, 8),
      field('Tại', hospital),
      field('Số con trong lần sinh này', '01'),
      field('Giới tính của con', rng.pick(['Nam', 'Nữ'])),
      field('Cân nặng', weight),
      prose('Dự định đặt tên con là: chưa đặt', 6),
      ...signatureBlock(placeOf(mother), born, 'Người đỡ đẻ', doctor),
    ],
  };
}

function buildingPermitRequest(rng: Rng): DocumentContent {
  const owner = person(rng.fork('owner'), { fromYear: 1960, toYear: 1995 });
  const date = randomDate(rng, 2025, 2025);
  const area = rng.int(45, 180);
  const floors = rng.int(2, 5);
  return {
    procedure: 'XD',
    component: 'XD-DON',
    title: 'ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP XÂY DỰNG',
    sealText: wardSeal(owner),
    fields: { ownerName: owner.fullName, ownerIdentifier: owner.identifier, ownerAddress: owner.address, phone: owner.phone, landArea: `${area} m²`, floors: String(floors) },
    blocks: [
      ...header('ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP XÂY DỰNG', '(Sử dụng cho nhà ở riêng lẻ)'),
      { text: `Kính gửi: ${unitName(owner)}`, align: 'center', size: BODY, gapBefore: 14 },
      prose('1. Thông tin về chủ đầu tư:', 8),
      field('Tên chủ đầu tư', owner.fullName),
      field('Số định danh cá nhân', owner.identifier),
      field('Địa chỉ liên hệ', owner.address),
      field('Số điện thoại', owner.phone),
      prose('2. Thông tin công trình:', 8),
      field('Địa điểm xây dựng', owner.address),
      field('Diện tích lô đất', `${area} m²; thửa đất số ${rng.int(10, 999)}, tờ bản đồ số ${rng.int(1, 60)}`),
      field('Quy mô', `nhà ở riêng lẻ ${floors} tầng, chiều cao ${floors * 3 + 2} m`),
      prose(`3. Dự kiến thời gian hoàn thành công trình: ${rng.int(6, 18)} tháng.`, 8),
      prose('4. Cam kết: tôi xin cam đoan làm theo đúng giấy phép được cấp, nếu sai tôi xin hoàn toàn chịu trách nhiệm và bị xử lý theo quy định của pháp luật.', 8),
      ...signatureBlock(placeOf(owner), date, 'Người làm đơn', owner.fullName),
    ],
  };
}

const TRADES = ['Bán lẻ thực phẩm', 'Dịch vụ ăn uống', 'Sửa chữa xe máy', 'Bán lẻ quần áo', 'Dịch vụ cắt tóc'];
function householdBusinessRequest(rng: Rng): DocumentContent {
  const owner = person(rng.fork('owner'), { fromYear: 1965, toYear: 2000 });
  const date = randomDate(rng, 2025, 2025);
  const trade = rng.pick(TRADES);
  const capital = `${rng.int(5, 90) * 10}.000.000 đồng`;
  const businessName = `Hộ kinh doanh ${owner.fullName.split(' ').slice(-1)[0]} ${rng.pick(['Phát', 'Thịnh', 'Lộc', 'An'])}`;
  return {
    procedure: 'HKD',
    component: 'HKD-GDN',
    title: 'GIẤY ĐỀ NGHỊ ĐĂNG KÝ HỘ KINH DOANH',
    sealText: wardSeal(owner),
    fields: { ownerName: owner.fullName, ownerIdentifier: owner.identifier, ownerBirthDate: owner.birthDate, businessName, trade, capital },
    blocks: [
      ...header('GIẤY ĐỀ NGHỊ ĐĂNG KÝ HỘ KINH DOANH'),
      { text: `Kính gửi: Phòng Tài chính - Kế hoạch, ${unitName(owner)}`, align: 'center', size: BODY, gapBefore: 14 },
      field('Tôi là (ghi họ tên bằng chữ in hoa)', owner.fullName.toUpperCase()),
      field('Ngày sinh', `${owner.birthDate}; Giới tính: ${owner.sex}`),
      field('Số định danh cá nhân', owner.identifier),
      field('Địa chỉ thường trú', owner.address),
      prose('Đăng ký hộ kinh doanh với các nội dung sau:', 8),
      field('1. Tên hộ kinh doanh', businessName),
      field('2. Địa chỉ trụ sở', owner.address),
      field('3. Ngành, nghề kinh doanh', trade),
      field('4. Vốn kinh doanh', capital),
      field('5. Số lượng lao động', String(rng.int(1, 9))),
      prose('Tôi cam kết bản thân không thuộc diện bị cấm đăng ký hộ kinh doanh; trung thực và chịu trách nhiệm trước pháp luật về tính hợp pháp, chính xác của nội dung đăng ký trên.', 10),
      ...signatureBlock(placeOf(owner), date, 'Chủ hộ kinh doanh', owner.fullName),
    ],
  };
}

const COPIED = ['Giấy khai sinh', 'Bằng tốt nghiệp trung học phổ thông', 'Giấy chứng nhận quyền sử dụng đất', 'Sổ hộ khẩu', 'Căn cước công dân'];
function certificationRequest(rng: Rng): DocumentContent {
  const requester = person(rng.fork('requester'), { fromYear: 1960, toYear: 2004 });
  const date = randomDate(rng, 2025, 2025);
  const paper = rng.pick(COPIED);
  const copies = rng.int(1, 5);
  return {
    procedure: 'CT',
    component: 'CT-PYC',
    title: 'PHIẾU YÊU CẦU CHỨNG THỰC',
    sealText: wardSeal(requester),
    fields: { requesterName: requester.fullName, requesterIdentifier: requester.identifier, requesterAddress: requester.address, paper, copies: String(copies) },
    blocks: [
      ...header('PHIẾU YÊU CẦU CHỨNG THỰC', '(Chứng thực bản sao từ bản chính)'),
      { text: `Kính gửi: ${unitName(requester)}`, align: 'center', size: BODY, gapBefore: 14 },
      field('Họ và tên người yêu cầu chứng thực', requester.fullName),
      field('Số định danh cá nhân', requester.identifier),
      field('Ngày cấp', formatDate(randomDate(rng, 2021, 2024))),
      field('Nơi cư trú', requester.address),
      field('Giấy tờ đề nghị chứng thực', paper),
      field('Số bản sao yêu cầu', String(copies).padStart(2, '0')),
      prose('Tôi xin cam đoan bản chính giấy tờ đề nghị chứng thực là hợp pháp và chịu hoàn toàn trách nhiệm trước pháp luật về tính hợp pháp của giấy tờ đó.', 10),
      ...signatureBlock(placeOf(requester), date, 'Người yêu cầu chứng thực', requester.fullName),
    ],
  };
}

const TEMPLATES: Record<SampleComponent, (rng: Rng) => DocumentContent> = {
  'KS-TK': birthForm,
  'KS-GCS': birthCertificate,
  'XD-DON': buildingPermitRequest,
  'HKD-GDN': householdBusinessRequest,
  'CT-PYC': certificationRequest,
};

/** The filled content of one component's paper, all text NFC. */
export function documentFor(component: SampleComponent, rng: Rng): DocumentContent {
  const doc = TEMPLATES[component](rng);
  const nfc = (s: string): string => s.normalize('NFC');
  return {
    ...doc,
    title: nfc(doc.title),
    sealText: nfc(doc.sealText),
    blocks: doc.blocks.map((b) => ({ ...b, text: nfc(b.text) })),
    fields: Object.fromEntries(Object.entries(doc.fields).map(([k, v]) => [k, nfc(v)])),
  };
}
