/**
 * Made-up but plausible Vietnamese personal data for sample forms: names,
 * 12-digit identification numbers (CCCD), dates and addresses.
 * Nothing here is real; the shapes are.
 */
import type { Rng } from './prng.ts';

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý'];
const MIDDLE_MALE = ['Văn', 'Hữu', 'Đức', 'Minh', 'Quang', 'Xuân', 'Thành', 'Công', 'Trọng'];
const MIDDLE_FEMALE = ['Thị', 'Ngọc', 'Thanh', 'Thu', 'Minh', 'Kim', 'Thùy', 'Phương'];
const GIVEN_MALE = ['An', 'Bình', 'Cường', 'Dũng', 'Hải', 'Hùng', 'Khánh', 'Lộc', 'Nam', 'Phúc', 'Quân', 'Sơn', 'Thắng', 'Tuấn', 'Việt', 'Đức', 'Hưng'];
const GIVEN_FEMALE = ['Giang', 'Hà', 'Hạnh', 'Hương', 'Linh', 'Mai', 'Nga', 'Ngọc', 'Phương', 'Quỳnh', 'Thảo', 'Trang', 'Yến', 'Ánh', 'Hồng', 'Nhung'];

/** Province codes as used in the first three digits of a CCCD number. */
export const PROVINCES = [
  { code: '001', name: 'thành phố Hà Nội', wards: ['phường Hoàn Kiếm', 'phường Ba Đình', 'phường Cầu Giấy', 'phường Thanh Xuân', 'xã Sóc Sơn'], streets: ['phố Hàng Bài', 'đường Kim Mã', 'phố Trần Duy Hưng', 'đường Nguyễn Trãi', 'phố Huế'] },
  { code: '079', name: 'Thành phố Hồ Chí Minh', wards: ['phường Sài Gòn', 'phường Bến Thành', 'phường Tân Định', 'phường Gia Định', 'xã Củ Chi'], streets: ['đường Lê Lợi', 'đường Nguyễn Thị Minh Khai', 'đường Võ Văn Tần', 'đường Điện Biên Phủ', 'đường Hai Bà Trưng'] },
  { code: '048', name: 'thành phố Đà Nẵng', wards: ['phường Hải Châu', 'phường Thanh Khê', 'phường Sơn Trà', 'xã Hòa Vang'], streets: ['đường Bạch Đằng', 'đường Lê Duẩn', 'đường Trần Phú', 'đường Ông Ích Khiêm'] },
  { code: '031', name: 'thành phố Hải Phòng', wards: ['phường Hồng Bàng', 'phường Lê Chân', 'phường Ngô Quyền', 'xã Thủy Nguyên'], streets: ['đường Lạch Tray', 'phố Điện Biên Phủ', 'đường Tô Hiệu', 'phố Cầu Đất'] },
  { code: '092', name: 'thành phố Cần Thơ', wards: ['phường Ninh Kiều', 'phường Cái Khế', 'phường Bình Thủy', 'xã Phong Điền'], streets: ['đường Hòa Bình', 'đường 30 Tháng 4', 'đường Mậu Thân', 'đường Trần Hưng Đạo'] },
] as const;

export type Province = (typeof PROVINCES)[number];
export type Sex = 'Nam' | 'Nữ';

export interface Person {
  fullName: string;
  sex: Sex;
  birthDate: string; // dd/mm/yyyy
  identifier: string; // 12 digits
  address: string;
  province: Province;
  ward: string;
  phone: string;
}

export function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

export function formatDate(d: { day: number; month: number; year: number }): string {
  return `${pad2(d.day)}/${pad2(d.month)}/${d.year}`;
}

export function randomDate(rng: Rng, fromYear: number, toYear: number): { day: number; month: number; year: number } {
  return { day: rng.int(1, 28), month: rng.int(1, 12), year: rng.int(fromYear, toYear) };
}

export function fullName(rng: Rng, sex: Sex, family = rng.pick(FAMILY)): string {
  const middle = rng.pick(sex === 'Nam' ? MIDDLE_MALE : MIDDLE_FEMALE);
  const given = rng.pick(sex === 'Nam' ? GIVEN_MALE : GIVEN_FEMALE);
  return `${family} ${middle} ${given}`;
}

/**
 * CCCD layout: province (3) + sex/century (1: 0/1 = male/female born 1900s,
 * 2/3 = born 2000s) + last two digits of the birth year (2) + 6 random digits.
 */
export function identifierFor(rng: Rng, province: Province, sex: Sex, year: number): string {
  const century = year >= 2000 ? 2 : 0;
  const sexDigit = century + (sex === 'Nữ' ? 1 : 0);
  return `${province.code}${sexDigit}${pad2(year % 100)}${rng.digits(6)}`;
}

export function address(rng: Rng, province: Province, ward: string): string {
  return `Số ${rng.int(1, 199)}, ${rng.pick(province.streets)}, ${ward}, ${province.name}`;
}

export function person(rng: Rng, options: { sex?: Sex; fromYear?: number; toYear?: number; family?: string; province?: Province } = {}): Person {
  const sex = options.sex ?? rng.pick(['Nam', 'Nữ'] as const);
  const province = options.province ?? rng.pick(PROVINCES);
  const ward = rng.pick(province.wards);
  const born = randomDate(rng, options.fromYear ?? 1960, options.toYear ?? 2000);
  return {
    fullName: fullName(rng, sex, options.family),
    sex,
    birthDate: formatDate(born),
    identifier: identifierFor(rng, province, sex, born.year),
    address: address(rng, province, ward),
    province,
    ward,
    phone: `09${rng.digits(8)}`,
  };
}

/** "ngày 05 tháng 03 năm 2025" as written at the foot of forms. */
export function longDate(d: { day: number; month: number; year: number }): string {
  return `ngày ${pad2(d.day)} tháng ${pad2(d.month)} năm ${d.year}`;
}

const DIGIT_WORDS = ['không', 'một', 'hai', 'ba', 'bốn', 'năm', 'sáu', 'bảy', 'tám', 'chín'];

/** Day/month in words, as the birth form asks ("ghi bằng chữ"); year stays in digits. */
export function dateInWords(d: { day: number; month: number; year: number }): string {
  return `ngày ${numberWords(d.day)}, tháng ${numberWords(d.month)}, năm ${d.year}`;
}

function numberWords(n: number): string {
  if (n < 10) return DIGIT_WORDS[n];
  const tens = Math.floor(n / 10);
  const unit = n % 10;
  const head = tens === 1 ? 'mười' : `${DIGIT_WORDS[tens]} mươi`;
  if (unit === 0) return head;
  if (unit === 1 && tens > 1) return `${head} mốt`;
  if (unit === 5) return `${head} lăm`;
  return `${head} ${DIGIT_WORDS[unit]}`;
}
