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
import { COMPONENTS, documentFor, type Block, type SampleComponent } from './documents.ts';
import { BODY, day, field, header, heading, nfcBlocks, placeOf, prose, signature, unitName, wardSeal, type CatalogDocument } from './document-parts.ts';
import { birthCertificateResult, buildingPermit, certifiedCopy, deathExtract, householdCertificate } from './documents-results.ts';
import { formatDate, longDate, person } from './people.ts';
import type { Rng } from './prng.ts';

export type { CatalogDocument } from './document-parts.ts';
export { RECEIPT_TITLE, receiptDocument, type ReceiptInfo } from './documents-results.ts';

/** Every component and result of samples/catalog.json. */
export const CATALOG_COMPONENTS = [
  'KS-TK', 'KS-GCS', 'KS-UQ', 'KT-TK', 'KT-GBT', 'XD-DON', 'XD-GCN', 'XD-BV', 'XD-CK', 'HKD-GDN', 'HKD-BB', 'HKD-HD', 'CT-PYC', 'CT-BC',
] as const;
export const CATALOG_RESULTS = ['KS-KQ', 'KT-KQ', 'XD-KQ', 'HKD-KQ', 'CT-KQ'] as const;
export type CatalogCode = (typeof CATALOG_COMPONENTS)[number] | (typeof CATALOG_RESULTS)[number];

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
export function originalPaper(rng: Rng): CatalogDocument {
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
