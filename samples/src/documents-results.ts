/**
 * Templates for the results of the sample catalog (what the office issues) and the counter's
 * receipt. See documents-catalog.ts for the components.
 */
import type { Block } from './documents.ts';
import { BODY, day, field, header, heading, nfcBlocks, placeOf, prose, signature, unitName, wardSeal, type CatalogDocument, type Day } from './document-parts.ts';
import { formatDate, longDate, person } from './people.ts';
import type { Rng } from './prng.ts';
import { originalPaper } from './documents-catalog.ts';

export const RECEIPT_TITLE = 'GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ';

export function birthCertificateResult(rng: Rng): CatalogDocument {
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

export function deathExtract(rng: Rng): CatalogDocument {
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

export function buildingPermit(rng: Rng): CatalogDocument {
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

export function householdCertificate(rng: Rng): CatalogDocument {
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

export function certifiedCopy(rng: Rng): CatalogDocument {
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
