/**
 * Templates for every component and result of the sample catalog, and the two sheets around them at
 * the counter: the receipt (giấy tiếp nhận hồ sơ và hẹn trả kết quả) and the separator.
 *
 * documents.ts keeps its five one-page templates (the OCR corpus is drawn from them); this file
 * reuses them and adds the other nine components and the five results, some of them several pages
 * long: continuation pages carry no motto and no title, as real second pages do not.
 *
 * Field keys ending in "Name" are person names printed after a name label ("Họ và tên: …"), keys
 * ending in "Identifier" are 12-digit identification numbers: the matching benchmark scores field
 * extraction against them.
 */
import { documentFor, MOTTO, MOTTO_SUB, COMPONENTS, type Block, type SampleComponent } from './documents.ts';
import { formatDate, longDate, person, randomDate, type Person } from './people.ts';
import type { Rng } from './prng.ts';

export interface CatalogDocument {
  procedure: string;
  /** Component or result code; 'RECEIPT' for the receipt. */
  component: string;
  kind: 'component' | 'result' | 'receipt';
  title: string;
  /** Blocks of each page; the first page carries the title. */
  pages: Block[][];
  fields: Record<string, string>;
  sealText: string;
}

/** Every component and result of samples/catalog.json. */
export const CATALOG_COMPONENTS = [
  'KS-TK', 'KS-GCS', 'KS-UQ', 'KT-TK', 'KT-GBT', 'XD-DON', 'XD-GCN', 'XD-BV', 'XD-CK', 'HKD-GDN', 'HKD-BB', 'HKD-HD', 'CT-PYC', 'CT-BC',
] as const;
export const CATALOG_RESULTS = ['KS-KQ', 'KT-KQ', 'XD-KQ', 'HKD-KQ', 'CT-KQ'] as const;
export type CatalogCode = (typeof CATALOG_COMPONENTS)[number] | (typeof CATALOG_RESULTS)[number];

export const RECEIPT_TITLE = 'GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ';

const BODY = 12.5;
const field = (label: string, value: string): Block => ({ text: `${label}: ${value}`, align: 'left', size: BODY });
const prose = (text: string, gapBefore = 6): Block => ({ text, align: 'left', size: BODY, gapBefore });
const heading = (text: string, gapBefore = 10): Block => ({ text, align: 'left', size: BODY, bold: true, gapBefore });

/** Motto, then the title (one or two lines: long titles wrap by hand, as printed forms do). */
function header(title: string | string[], subtitle?: string): Block[] {
  const lines = Array.isArray(title) ? title : [title];
  const blocks: Block[] = [
    { text: MOTTO, align: 'center', size: 13, bold: true },
    { text: MOTTO_SUB, align: 'center', size: 13.5, bold: true, gapBefore: 2 },
    ...lines.map((text, i): Block => ({ text, align: 'center', size: 15, bold: true, gapBefore: i === 0 ? 26 : 2 })),
  ];
  if (subtitle) blocks.push({ text: subtitle, align: 'center', size: BODY, italic: true, gapBefore: 2 });
  return blocks;
}

type Day = { day: number; month: number; year: number };

function signature(place: string, date: Day, role: string, name: string): Block[] {
  return [
    { text: `${place}, ${longDate(date)}`, align: 'signature', size: BODY, italic: true, gapBefore: 16 },
    { text: role, align: 'signature', size: BODY, bold: true, gapBefore: 4 },
    { text: '(Ký, ghi rõ họ tên)', align: 'signature', size: 11.5, italic: true },
    { text: name, align: 'signature', size: BODY, bold: true, gapBefore: 70 },
  ];
}

const placeOf = (p: Person): string => p.ward.replace(/^(phường|xã) /, '').replace(/^./, (c) => c.toUpperCase());
const wardSeal = (p: Person): string => `ỦY BAN NHÂN DÂN ${p.ward.toUpperCase()}`;
const unitName = (p: Person): string => `Ủy ban nhân dân ${p.ward}`;
const day = (rng: Rng, from = 2025, to = 2025): Day => randomDate(rng, from, to);

function authorization(rng: Rng): CatalogDocument {
  const principal = person(rng.fork('principal'), { fromYear: 1975, toYear: 2000 });
  const agent = person(rng.fork('agent'), { fromYear: 1960, toYear: 2000, province: principal.province });
  const date = day(rng);
  const title = 'VĂN BẢN ỦY QUYỀN';
  return {
    procedure: 'KS', component: 'KS-UQ', kind: 'component', title, sealText: wardSeal(principal),
    fields: { principalName: principal.fullName, principalIdentifier: principal.identifier, agentName: agent.fullName, agentIdentifier: agent.identifier },
    pages: [[
      ...header(title, '(Về việc đăng ký khai sinh)'),
      heading('Bên ủy quyền:', 14),
      field('Họ và tên người ủy quyền', principal.fullName),
      field('Số định danh cá nhân', principal.identifier),
      field('Nơi cư trú', principal.address),
      heading('Bên được ủy quyền:'),
      field('Họ và tên người được ủy quyền', agent.fullName),
      field('Số định danh cá nhân', agent.identifier),
      field('Nơi cư trú', agent.address),
      prose('Nội dung ủy quyền: thay mặt bên ủy quyền nộp hồ sơ, ký tờ khai và nhận kết quả đăng ký khai sinh tại cơ quan có thẩm quyền.', 10),
      prose(`Thời hạn ủy quyền: từ ngày ${formatDate(date)} đến khi hoàn thành công việc được ủy quyền.`),
      ...signature(placeOf(principal), date, 'Người ủy quyền', principal.fullName),
    ]],
  };
}

function deathForm(rng: Rng): CatalogDocument {
  const applicant = person(rng.fork('applicant'), { fromYear: 1965, toYear: 2000 });
  const deceased = person(rng.fork('deceased'), { fromYear: 1930, toYear: 1960, province: applicant.province });
  const died = day(rng);
  const signed = { ...died, day: Math.min(28, died.day + rng.int(1, 10)) };
  const title = 'TỜ KHAI ĐĂNG KÝ KHAI TỬ';
  return {
    procedure: 'KT', component: 'KT-TK', kind: 'component', title, sealText: wardSeal(applicant),
    fields: { applicantName: applicant.fullName, applicantIdentifier: applicant.identifier, deceasedName: deceased.fullName, deceasedIdentifier: deceased.identifier },
    pages: [[
      ...header(title),
      { text: `Kính gửi: ${unitName(applicant)}`, align: 'center', size: BODY, gapBefore: 14 },
      field('Họ, chữ đệm, tên người yêu cầu', applicant.fullName),
      field('Số định danh cá nhân', applicant.identifier),
      field('Nơi cư trú', applicant.address),
      field('Quan hệ với người đã chết', rng.pick(['Con', 'Vợ', 'Chồng', 'Cháu'])),
      prose('Đề nghị cơ quan đăng ký khai tử cho người có tên dưới đây:', 8),
      field('Họ, chữ đệm, tên người chết', deceased.fullName),
      field('Ngày, tháng, năm sinh', deceased.birthDate),
      field('Số định danh cá nhân', deceased.identifier),
      field('Đã chết vào lúc', `${rng.int(0, 23)} giờ ${rng.int(0, 59)} phút, ngày ${formatDate(died)}`),
      field('Nơi chết', deceased.address),
      field('Nguyên nhân chết', rng.pick(['Bệnh già', 'Bệnh tật', 'Tai nạn giao thông'])),
      prose('Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật về cam đoan của mình.', 10),
      ...signature(placeOf(applicant), signed, 'Người yêu cầu', applicant.fullName),
    ]],
  };
}

function deathNotice(rng: Rng): CatalogDocument {
  const deceased = person(rng.fork('deceased'), { fromYear: 1930, toYear: 1960 });
  const died = day(rng);
  const hospital = `Bệnh viện Đa khoa ${deceased.province.name.replace(/^(thành phố|Thành phố) /, '')}`;
  const director = person(rng.fork('director'), { fromYear: 1960, toYear: 1985 }).fullName;
  const number = `${rng.int(10, 999)}/GBT`;
  const title = 'GIẤY BÁO TỬ';
  return {
    procedure: 'KT', component: 'KT-GBT', kind: 'component', title, sealText: hospital.toUpperCase(),
    fields: { deceasedName: deceased.fullName, deceasedIdentifier: deceased.identifier, number },
    pages: [[
      ...header(title, `Số: ${number}`),
      { text: `${hospital} báo tin:`, align: 'left', size: BODY, gapBefore: 14 },
      field('Họ và tên người chết', deceased.fullName),
      field('Ngày, tháng, năm sinh', deceased.birthDate),
      field('Giới tính', deceased.sex),
      field('Số định danh cá nhân', deceased.identifier),
      field('Nơi cư trú', deceased.address),
      field('Đã chết vào lúc', `${rng.int(0, 23)} giờ ${rng.int(0, 59)} phút, ngày ${formatDate(died)}`),
      field('Nơi chết', hospital),
      field('Nguyên nhân chết', rng.pick(['Suy tim', 'Bệnh già', 'Tai biến mạch máu não'])),
      ...signature(placeOf(deceased), died, 'Giám đốc bệnh viện', director),
    ]],
  };
}

function landCertificate(rng: Rng): CatalogDocument {
  const owner = person(rng.fork('owner'), { fromYear: 1955, toYear: 1990 });
  const issued = day(rng, 2010, 2022);
  const serial = `${rng.pick(['CS', 'DA', 'BX'])} ${rng.digits(6)}`;
  const parcel = rng.int(10, 999);
  const sheet = rng.int(1, 60);
  const area = rng.int(45, 200);
  return {
    procedure: 'XD', component: 'XD-GCN', kind: 'component', title: 'GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT', sealText: `SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG ${owner.province.name.toUpperCase()}`,
    fields: { ownerName: owner.fullName, ownerIdentifier: owner.identifier, serial },
    pages: [
      [
        ...header(['GIẤY CHỨNG NHẬN', 'QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU NHÀ Ở', 'VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT']),
        { text: `Số phát hành: ${serial}`, align: 'center', size: BODY, gapBefore: 6 },
        heading('I. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất', 14),
        field('Ông/bà', owner.fullName),
        field('Năm sinh', owner.birthDate.slice(6)),
        field('Số định danh cá nhân', owner.identifier),
        field('Địa chỉ thường trú', owner.address),
        heading('II. Thửa đất, nhà ở và tài sản khác gắn liền với đất'),
        field('a) Thửa đất số', `${parcel}; tờ bản đồ số: ${sheet}`),
        field('b) Địa chỉ', owner.address),
        field('c) Diện tích', `${area} m²`),
        field('d) Hình thức sử dụng', 'sử dụng riêng'),
        field('đ) Mục đích sử dụng', 'đất ở tại đô thị'),
        field('e) Thời hạn sử dụng', 'lâu dài'),
        ...signature(placeOf(owner), issued, 'TM. ỦY BAN NHÂN DÂN', person(rng.fork('chair'), { fromYear: 1960, toYear: 1980 }).fullName),
      ],
      [
        heading('III. Sơ đồ thửa đất, nhà ở và tài sản khác gắn liền với đất', 0),
        prose(`Thửa đất số ${parcel}, tờ bản đồ số ${sheet}, diện tích ${area} m², tiếp giáp đường ${rng.int(4, 12)} m ở phía Bắc.`, 10),
        prose('Chiều dài các cạnh thửa đất và tọa độ các đỉnh thửa theo bản đồ địa chính đã được duyệt.', 6),
        heading('IV. Những thay đổi sau khi cấp giấy chứng nhận', 40),
        field('Nội dung thay đổi và cơ sở pháp lý', 'không có'),
        prose(`Vào sổ cấp giấy chứng nhận số: CH ${rng.digits(5)}`, 20),
      ],
    ],
  };
}

function designDrawings(rng: Rng): CatalogDocument {
  const owner = person(rng.fork('owner'), { fromYear: 1960, toYear: 1995 });
  const floors = rng.int(2, 4);
  const designer = person(rng.fork('designer'), { fromYear: 1970, toYear: 1995 }).fullName;
  const date = day(rng);
  const company = `Công ty TNHH Tư vấn thiết kế ${rng.pick(['Kiến Việt', 'Nhà Xanh', 'Đông Á', 'Sao Mai'])}`;
  const sheets = rng.int(1, 2);
  const sheetPage = (n: number, what: string): Block[] => [
    { text: `Tờ số ${n}/${sheets}: ${what}`, align: 'left', size: BODY, bold: true },
    prose(`Tỷ lệ 1:100. Kích thước ghi bằng milimét; cao độ ghi bằng mét.`, 10),
    prose(`Trục A - D, trục 1 - 4; tường gạch dày 200 mm; cột bê tông cốt thép 220 x 220 mm.`, 6),
    prose(`Chủ đầu tư: ${owner.fullName}. Đơn vị thiết kế: ${company}.`, 200),
    prose(`Chủ trì thiết kế: ${designer}. Ngày hoàn thành: ${formatDate(date)}.`, 4),
  ];
  const title = 'BẢN VẼ THIẾT KẾ XÂY DỰNG';
  return {
    procedure: 'XD', component: 'XD-BV', kind: 'component', title, sealText: company.toUpperCase(),
    fields: { ownerName: owner.fullName },
    pages: [
      [
        { text: company.toUpperCase(), align: 'center', size: 12, bold: true },
        { text: title, align: 'center', size: 18, bold: true, gapBefore: 60 },
        { text: `Công trình: Nhà ở riêng lẻ ${floors} tầng`, align: 'center', size: 14, gapBefore: 12 },
        { text: `Địa điểm xây dựng: ${owner.address}`, align: 'left', size: BODY, gapBefore: 30 },
        field('Chủ đầu tư', owner.fullName),
        field('Chủ trì thiết kế', designer),
        prose(`Danh mục bản vẽ: mặt bằng các tầng, mặt đứng, mặt cắt, mặt bằng móng (${sheets} tờ kèm theo).`, 10),
        ...signature(placeOf(owner), date, 'Đơn vị thiết kế', designer),
      ],
      ...Array.from({ length: sheets }, (_, i) => sheetPage(i + 1, i === 0 ? 'mặt bằng tầng 1 và mặt bằng móng' : 'mặt đứng trục 1 - 4 và mặt cắt A - A')),
    ],
  };
}

function neighbourPledge(rng: Rng): CatalogDocument {
  const owner = person(rng.fork('owner'), { fromYear: 1960, toYear: 1995 });
  const date = day(rng);
  return {
    procedure: 'XD', component: 'XD-CK', kind: 'component', title: 'BẢN CAM KẾT BẢO ĐẢM AN TOÀN ĐỐI VỚI CÔNG TRÌNH LIỀN KỀ', sealText: wardSeal(owner),
    fields: { ownerName: owner.fullName, ownerIdentifier: owner.identifier },
    pages: [[
      ...header(['BẢN CAM KẾT', 'BẢO ĐẢM AN TOÀN ĐỐI VỚI CÔNG TRÌNH LIỀN KỀ']),
      { text: `Kính gửi: ${unitName(owner)}`, align: 'center', size: BODY, gapBefore: 14 },
      field('Họ và tên chủ đầu tư', owner.fullName),
      field('Số định danh cá nhân', owner.identifier),
      field('Địa chỉ công trình', owner.address),
      prose('Tôi cam kết thực hiện các biện pháp bảo đảm an toàn cho các công trình liền kề trong suốt quá trình thi công: che chắn, chống đỡ, không để vật liệu rơi sang nhà bên cạnh.', 10),
      prose('Nếu để xảy ra hư hỏng công trình liền kề, tôi xin hoàn toàn chịu trách nhiệm bồi thường theo quy định của pháp luật.', 6),
      ...signature(placeOf(owner), date, 'Người cam kết', owner.fullName),
    ]],
  };
}

function familyMeeting(rng: Rng): CatalogDocument {
  const head = person(rng.fork('head'), { fromYear: 1960, toYear: 1990 });
  const family = head.fullName.split(' ')[0];
  const member = person(rng.fork('member'), { family, fromYear: 1985, toYear: 2004, province: head.province });
  const date = day(rng);
  return {
    procedure: 'HKD', component: 'HKD-BB', kind: 'component', title: 'BIÊN BẢN HỌP THÀNH VIÊN HỘ GIA ĐÌNH', sealText: wardSeal(head),
    fields: { headName: head.fullName, headIdentifier: head.identifier, memberName: member.fullName, memberIdentifier: member.identifier },
    pages: [[
      ...header('BIÊN BẢN HỌP THÀNH VIÊN HỘ GIA ĐÌNH', '(V/v đăng ký thành lập hộ kinh doanh)'),
      prose(`Hôm nay, ${longDate(date)}, tại ${head.address}, các thành viên hộ gia đình gồm:`, 14),
      field('1. Họ và tên chủ hộ', head.fullName),
      field('Số định danh cá nhân', head.identifier),
      field('2. Họ và tên', member.fullName),
      field('Số định danh cá nhân', member.identifier),
      prose('Cùng thống nhất đăng ký thành lập hộ kinh doanh và ủy quyền cho chủ hộ làm chủ hộ kinh doanh, đại diện hộ gia đình thực hiện thủ tục đăng ký.', 10),
      prose(`Biên bản kết thúc lúc ${rng.int(9, 11)} giờ cùng ngày, được các thành viên nhất trí thông qua.`, 6),
      ...signature(placeOf(head), date, 'Chủ hộ', head.fullName),
    ]],
  };
}

function leaseContract(rng: Rng): CatalogDocument {
  const lessor = person(rng.fork('lessor'), { fromYear: 1955, toYear: 1985 });
  const tenant = person(rng.fork('tenant'), { fromYear: 1975, toYear: 2000, province: lessor.province });
  const date = day(rng);
  const rent = `${rng.int(3, 25)}.000.000 đồng`;
  const months = rng.pick([12, 24, 36, 60]);
  return {
    procedure: 'HKD', component: 'HKD-HD', kind: 'component', title: 'HỢP ĐỒNG THUÊ ĐỊA ĐIỂM KINH DOANH', sealText: wardSeal(lessor),
    fields: { lessorName: lessor.fullName, lessorIdentifier: lessor.identifier, tenantName: tenant.fullName, tenantIdentifier: tenant.identifier, rent },
    pages: [
      [
        ...header('HỢP ĐỒNG THUÊ ĐỊA ĐIỂM KINH DOANH', `Số: ${rng.int(1, 99)}/${date.year}/HĐTĐ`),
        prose(`Hôm nay, ${longDate(date)}, chúng tôi gồm:`, 14),
        heading('BÊN CHO THUÊ (Bên A):', 6),
        field('Họ và tên bên cho thuê', lessor.fullName),
        field('Số định danh cá nhân', lessor.identifier),
        field('Địa chỉ', lessor.address),
        heading('BÊN THUÊ (Bên B):', 6),
        field('Họ và tên bên thuê', tenant.fullName),
        field('Số định danh cá nhân', tenant.identifier),
        field('Địa chỉ', tenant.address),
        prose('Hai bên thỏa thuận ký hợp đồng thuê địa điểm kinh doanh với các điều khoản sau:', 8),
        heading('Điều 1. Địa điểm cho thuê'),
        prose(`Bên A cho bên B thuê mặt bằng tại ${lessor.address}, diện tích ${rng.int(20, 120)} m², để kinh doanh.`),
        heading('Điều 2. Thời hạn thuê'),
        prose(`Thời hạn thuê là ${months} tháng, kể từ ngày ${formatDate(date)}.`),
      ],
      [
        heading('Điều 3. Giá thuê và phương thức thanh toán', 0),
        prose(`Giá thuê là ${rent} một tháng, thanh toán bằng tiền mặt hoặc chuyển khoản vào ngày 05 hằng tháng.`),
        heading('Điều 4. Quyền và nghĩa vụ của các bên'),
        prose('Bên A bàn giao mặt bằng đúng thời hạn; bên B sử dụng đúng mục đích, giữ gìn tài sản và thanh toán đủ, đúng hạn.'),
        heading('Điều 5. Điều khoản chung'),
        prose('Hợp đồng lập thành 02 bản có giá trị pháp lý như nhau, mỗi bên giữ 01 bản.'),
        { text: 'BÊN A', align: 'left', size: BODY, bold: true, gapBefore: 30 },
        { text: 'BÊN B', align: 'signature', size: BODY, bold: true },
        { text: lessor.fullName, align: 'left', size: BODY, bold: true, gapBefore: 70 },
        { text: tenant.fullName, align: 'signature', size: BODY, bold: true },
      ],
    ],
  };
}

/** The original paper brought for a certified copy: its own title, not the catalog's name. */
const ORIGINALS = ['GIẤY KHAI SINH', 'BẰNG TỐT NGHIỆP TRUNG HỌC PHỔ THÔNG', 'HỌC BẠ TRUNG HỌC CƠ SỞ'] as const;
function originalPaper(rng: Rng): CatalogDocument {
  const holder = person(rng.fork('holder'), { fromYear: 1980, toYear: 2008 });
  const kind = rng.pick(ORIGINALS);
  const issued = day(rng, 2000, 2024);
  const number = `${rng.int(100, 9999)}/${kind === 'GIẤY KHAI SINH' ? 'KS' : 'VB'}`;
  const body: Block[] =
    kind === 'GIẤY KHAI SINH'
      ? [field('Họ, chữ đệm, tên', holder.fullName), field('Ngày, tháng, năm sinh', holder.birthDate), field('Giới tính', holder.sex), field('Số định danh cá nhân', holder.identifier), field('Nơi sinh', holder.province.name)]
      : [
          prose(kind.startsWith('BẰNG') ? 'Hiệu trưởng trường trung học phổ thông công nhận tốt nghiệp trung học phổ thông cho:' : 'Kết quả học tập và rèn luyện bốn năm trung học cơ sở của:', 12),
          field('Họ và tên', holder.fullName),
          field('Ngày sinh', holder.birthDate),
          field('Số định danh cá nhân', holder.identifier),
          field('Xếp loại', rng.pick(['Giỏi', 'Khá', 'Trung bình'])),
        ];
  return {
    procedure: 'CT', component: 'CT-BC', kind: 'component', title: kind, sealText: wardSeal(holder),
    fields: { holderName: holder.fullName, holderIdentifier: holder.identifier, number },
    pages: [[
      ...header(kind, `Số: ${number}`),
      ...body,
      ...signature(placeOf(holder), issued, kind === 'GIẤY KHAI SINH' ? 'Người ký giấy khai sinh' : 'Hiệu trưởng', person(rng.fork('signer'), { fromYear: 1960, toYear: 1985 }).fullName),
    ]],
  };
}

function birthCertificateResult(rng: Rng): CatalogDocument {
  const child = person(rng.fork('child'), { fromYear: 2025, toYear: 2025 });
  const mother = person(rng.fork('mother'), { sex: 'Nữ', fromYear: 1985, toYear: 2003, province: child.province });
  const father = person(rng.fork('father'), { sex: 'Nam', fromYear: 1985, toYear: 2003, province: child.province });
  const date = day(rng);
  const number = `${rng.int(1, 999)}/${date.year}/KS`;
  return {
    procedure: 'KS', component: 'KS-KQ', kind: 'result', title: 'GIẤY KHAI SINH', sealText: wardSeal(child),
    fields: { childName: child.fullName, childIdentifier: child.identifier, motherName: mother.fullName, fatherName: father.fullName, number },
    pages: [[
      { text: `ỦY BAN NHÂN DÂN ${child.ward.toUpperCase()}`, align: 'left', size: 11.5, bold: true },
      ...header('GIẤY KHAI SINH', `Số: ${number}`),
      field('Họ, chữ đệm, tên', child.fullName),
      field('Ngày, tháng, năm sinh', child.birthDate),
      field('Giới tính', `${child.sex}; Dân tộc: Kinh; Quốc tịch: Việt Nam`),
      field('Số định danh cá nhân', child.identifier),
      field('Nơi sinh', child.province.name),
      field('Họ, chữ đệm, tên người mẹ', mother.fullName),
      field('Họ, chữ đệm, tên người cha', father.fullName),
      field('Nơi đăng ký khai sinh', unitName(child)),
      ...signature(placeOf(child), date, 'Người ký giấy khai sinh', person(rng.fork('signer'), { fromYear: 1965, toYear: 1990 }).fullName),
    ]],
  };
}

function deathExtract(rng: Rng): CatalogDocument {
  const deceased = person(rng.fork('deceased'), { fromYear: 1930, toYear: 1960 });
  const died = day(rng);
  const number = `${rng.int(1, 999)}/${died.year}/TLKT`;
  return {
    procedure: 'KT', component: 'KT-KQ', kind: 'result', title: 'TRÍCH LỤC KHAI TỬ', sealText: wardSeal(deceased),
    fields: { deceasedName: deceased.fullName, deceasedIdentifier: deceased.identifier, number },
    pages: [[
      ...header('TRÍCH LỤC KHAI TỬ', `Số: ${number}`),
      field('Họ, chữ đệm, tên người chết', deceased.fullName),
      field('Ngày, tháng, năm sinh', deceased.birthDate),
      field('Số định danh cá nhân', deceased.identifier),
      field('Đã chết vào', formatDate(died)),
      field('Nơi đăng ký khai tử', unitName(deceased)),
      ...signature(placeOf(deceased), died, 'Người ký trích lục', person(rng.fork('signer'), { fromYear: 1965, toYear: 1990 }).fullName),
    ]],
  };
}

function buildingPermit(rng: Rng): CatalogDocument {
  const owner = person(rng.fork('owner'), { fromYear: 1960, toYear: 1995 });
  const date = day(rng);
  const number = `${rng.int(1, 999)}/GPXD`;
  const floors = rng.int(2, 5);
  return {
    procedure: 'XD', component: 'XD-KQ', kind: 'result', title: 'GIẤY PHÉP XÂY DỰNG', sealText: `ỦY BAN NHÂN DÂN ${owner.province.name.toUpperCase()}`,
    fields: { ownerName: owner.fullName, ownerIdentifier: owner.identifier, number },
    pages: [
      [
        ...header('GIẤY PHÉP XÂY DỰNG', `Số: ${number}`),
        { text: '(Sử dụng cho nhà ở riêng lẻ)', align: 'center', size: BODY, italic: true },
        field('1. Cấp cho ông/bà', owner.fullName),
        field('Số định danh cá nhân', owner.identifier),
        field('Địa chỉ', owner.address),
        field('2. Được phép xây dựng công trình', `nhà ở riêng lẻ ${floors} tầng`),
        field('Tổng diện tích sàn', `${rng.int(120, 600)} m²`),
        field('Chiều cao công trình', `${floors * 3 + 2} m`),
        prose('3. Giấy phép này có hiệu lực khởi công xây dựng trong thời hạn 12 tháng kể từ ngày cấp.', 8),
        ...signature(placeOf(owner), date, 'KT. CHỦ TỊCH', person(rng.fork('signer'), { fromYear: 1960, toYear: 1980 }).fullName),
      ],
      [
        heading('Chủ đầu tư phải thực hiện các nội dung sau đây:', 0),
        prose('1. Chịu trách nhiệm trước pháp luật nếu xâm phạm các quyền hợp pháp của các chủ sở hữu liền kề.', 8),
        prose('2. Thực hiện đúng các quy định của pháp luật về đất đai, về đầu tư xây dựng và giấy phép này.', 6),
        prose('3. Thông báo ngày khởi công bằng văn bản cho cơ quan quản lý xây dựng tại địa phương.', 6),
      ],
    ],
  };
}

function householdCertificate(rng: Rng): CatalogDocument {
  const owner = person(rng.fork('owner'), { fromYear: 1965, toYear: 2000 });
  const date = day(rng);
  const number = `${owner.province.code.slice(1)}${rng.digits(2)}A${rng.digits(6)}`;
  return {
    procedure: 'HKD', component: 'HKD-KQ', kind: 'result', title: 'GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH', sealText: wardSeal(owner),
    fields: { ownerName: owner.fullName, ownerIdentifier: owner.identifier, number },
    pages: [[
      ...header('GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH', `Số: ${number}`),
      field('Đăng ký lần đầu', formatDate(date)),
      field('1. Tên hộ kinh doanh', `Hộ kinh doanh ${owner.fullName.split(' ').slice(-1)[0]} ${rng.pick(['Phát', 'Thịnh', 'Lộc'])}`),
      field('2. Địa chỉ trụ sở', owner.address),
      field('3. Ngành, nghề kinh doanh', rng.pick(['Bán lẻ thực phẩm', 'Dịch vụ ăn uống', 'Sửa chữa xe máy'])),
      field('4. Vốn kinh doanh', `${rng.int(5, 90) * 10}.000.000 đồng`),
      field('5. Họ và tên chủ hộ', owner.fullName),
      field('Số định danh cá nhân', owner.identifier),
      ...signature(placeOf(owner), date, 'TRƯỞNG PHÒNG', person(rng.fork('signer'), { fromYear: 1965, toYear: 1990 }).fullName),
    ]],
  };
}

function certifiedCopy(rng: Rng): CatalogDocument {
  const original = originalPaper(rng.fork('original'));
  const date = day(rng);
  const officer = person(rng.fork('officer'), { fromYear: 1965, toYear: 1995 }).fullName;
  const book = `${rng.int(1, 999)}/${date.year}`;
  const [first] = original.pages;
  // The copy's body without the original's signature block, then the certification stamp.
  const body = first.filter((b) => b.align !== 'signature');
  return {
    procedure: 'CT', component: 'CT-KQ', kind: 'result', title: original.title, sealText: original.sealText,
    fields: { ...original.fields },
    pages: [[
      { text: 'BẢN SAO', align: 'left', size: 12, bold: true },
      ...body,
      { text: 'CHỨNG THỰC BẢN SAO ĐÚNG VỚI BẢN CHÍNH', align: 'left', size: BODY, bold: true, gapBefore: 24 },
      prose(`Số chứng thực: ${book}, quyển số 01/${date.year}-SCT/BS`, 4),
      { text: `${longDate(date)}`, align: 'signature', size: BODY, italic: true, gapBefore: 8 },
      { text: 'Người thực hiện chứng thực', align: 'signature', size: BODY, bold: true },
      { text: officer, align: 'signature', size: BODY, bold: true, gapBefore: 60 },
    ]],
  };
}

const TEMPLATES: Record<Exclude<CatalogCode, SampleComponent>, (rng: Rng) => CatalogDocument> = {
  'KS-UQ': authorization,
  'KT-TK': deathForm,
  'KT-GBT': deathNotice,
  'XD-GCN': landCertificate,
  'XD-BV': designDrawings,
  'XD-CK': neighbourPledge,
  'HKD-BB': familyMeeting,
  'HKD-HD': leaseContract,
  'CT-BC': originalPaper,
  'KS-KQ': birthCertificateResult,
  'KT-KQ': deathExtract,
  'XD-KQ': buildingPermit,
  'HKD-KQ': householdCertificate,
  'CT-KQ': certifiedCopy,
};

const nfcBlocks = (blocks: Block[]): Block[] => blocks.map((b) => ({ ...b, text: b.text.normalize('NFC') }));

/** The filled content of any catalog component or result, all text NFC. */
export function catalogDocumentFor(code: CatalogCode, rng: Rng): CatalogDocument {
  if ((COMPONENTS as readonly string[]).includes(code)) {
    const doc = documentFor(code as SampleComponent, rng);
    return { procedure: doc.procedure, component: doc.component, kind: 'component', title: doc.title, pages: [doc.blocks], fields: doc.fields, sealText: doc.sealText };
  }
  const doc = TEMPLATES[code as Exclude<CatalogCode, SampleComponent>](rng);
  return {
    ...doc,
    title: doc.title.normalize('NFC'),
    sealText: doc.sealText.normalize('NFC'),
    pages: doc.pages.map(nfcBlocks),
    fields: Object.fromEntries(Object.entries(doc.fields).map(([k, v]) => [k, v.normalize('NFC')])),
  };
}

export interface ReceiptInfo {
  dossierCode: string;
  procedureCode: string;
  procedureName: string;
  componentNames: string[];
  received: Day;
}

/** The counter's receipt; the QR code (top left) is drawn over it by the page generator. */
export function receiptDocument(info: ReceiptInfo, rng: Rng): CatalogDocument {
  const owner = person(rng.fork('owner'), { fromYear: 1965, toYear: 2002 });
  const clerk = person(rng.fork('clerk'), { fromYear: 1975, toYear: 1998 }).fullName;
  const due = { ...info.received, day: Math.min(28, info.received.day + rng.int(3, 12)) };
  const blocks: Block[] = [
    ...header(RECEIPT_TITLE),
    { text: `Mã hồ sơ: ${info.dossierCode}`, align: 'center', size: BODY, bold: true, gapBefore: 4 },
    prose(`Bộ phận tiếp nhận và trả kết quả ${unitName(owner)} tiếp nhận hồ sơ của:`, 12),
    field('Ông/bà', owner.fullName),
    field('Số định danh cá nhân', owner.identifier),
    field('Nội dung yêu cầu giải quyết', info.procedureName),
    prose('Thành phần hồ sơ nộp gồm:', 6),
    ...info.componentNames.map((n, i) => ({ text: `${i + 1}. ${n}`, align: 'left' as const, size: BODY })),
    field('Thời gian nhận hồ sơ', `${rng.int(7, 11)} giờ ${rng.int(0, 59)} phút, ${longDate(info.received)}`),
    field('Thời gian trả kết quả', `${rng.int(13, 16)} giờ 00 phút, ${longDate(due)}`),
    { text: 'Người tiếp nhận hồ sơ', align: 'signature', size: BODY, bold: true, gapBefore: 20 },
    { text: clerk, align: 'signature', size: BODY, bold: true, gapBefore: 60 },
  ];
  return {
    procedure: info.procedureCode, component: 'RECEIPT', kind: 'receipt', title: RECEIPT_TITLE, sealText: wardSeal(owner),
    fields: { ownerName: owner.fullName, ownerIdentifier: owner.identifier, dossierCode: info.dossierCode },
    pages: [nfcBlocks(blocks)],
  };
}
