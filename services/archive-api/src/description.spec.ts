import { describe, expect, it } from 'vitest';
import type { RecordMetadata } from '@sohoa/shared';
import {
  changesOf, deriveDocumentDescription, deriveFileDescription, deriveFondsDescription, effective, issuedDate, longestRetention, sheetCount,
  splitDocumentNumber,
} from './description.ts';

const metadata = (over: Partial<RecordMetadata> = {}): RecordMetadata => ({
  recordId: 'r-1', dossierCode: '000.00.00.H00-261121-0001', procedureCode: 'KS', componentCode: 'KS-TK', componentName: 'Tờ khai đăng ký khai sinh',
  unitCode: '000.00.00.H00', unitName: 'UBND phường Mẫu', ownerIdentifier: '001199012345', title: 'Tờ khai đăng ký khai sinh', documentNumber: null,
  fields: { fullName: 'Nguyễn Văn An', dates: ['1990-01-02', '2026-11-20'] }, pageCount: 2, blankPagesDropped: 0, language: 'vi',
  digitizedBy: 'token:clerk', digitizedAt: '2026-11-21T03:00:00.000Z', sha256: 'ab', retention: 'permanent', retainUntil: null, legalHold: false,
  ...over,
});

describe('document numbers, dates and sheets', () => {
  it('splits a number from its notation, leaving the year out of the notation', () => {
    expect(splitDocumentNumber('12/2025/QĐ-UBND')).toEqual({ CodeNumber: '12', CodeNotation: 'QĐ-UBND' });
    expect(splitDocumentNumber('9143/GCS')).toEqual({ CodeNumber: '9143', CodeNotation: 'GCS' });
    expect(splitDocumentNumber('125')).toEqual({ CodeNumber: '125', CodeNotation: null });
    expect(splitDocumentNumber(null)).toEqual({ CodeNumber: null, CodeNotation: null });
  });
  it('takes the latest date not after the day of digitizing as the issue date', () => {
    expect(issuedDate(['1990-01-02', '2026-11-20', '2030-01-01'], '2026-11-21')).toBe('2026-11-20');
    expect(issuedDate(['2030-01-01'], '2026-11-21')).toBeNull();
    expect(issuedDate(undefined, '2026-11-21')).toBeNull();
  });
  it('counts two sides a sheet only when back sides were dropped (duplex)', () => {
    expect(sheetCount(3, 0)).toBe(3);
    expect(sheetCount(3, 1)).toBe(2);
    expect(sheetCount(4, 4)).toBe(4);
  });
  it('keeps a file as long as its longest-kept document', () => {
    expect(longestRetention([{ years: 10 }, { years: 20 }])).toEqual({ years: 20 });
    expect(longestRetention([{ years: 10 }, 'permanent'])).toBe('permanent');
  });
});

describe('document description', () => {
  it('is filled from the record, the component and the fields read off the paper', () => {
    const d = deriveDocumentDescription({ metadata: metadata({ documentNumber: '9143/GCS' }), componentKind: 'component', ordinal: 2, fileCode: 'F' });
    expect(d).toMatchObject({
      DocCode: 'F.002', DocOrdinal: 2, TypeName: 'Tờ khai đăng ký khai sinh', CodeNumber: '9143', CodeNotation: 'GCS', IssuedDate: '2026-11-20',
      OrganName: null, Subject: 'Tờ khai đăng ký khai sinh - Nguyễn Văn An', Language: 'vi', PageAmount: 2, Mode: 'Hạn chế',
    });
  });
  it('names the unit as the issuing body of a result, and has no code before it is filed', () => {
    const d = deriveDocumentDescription({ metadata: metadata({ componentName: 'Giấy khai sinh' }), componentKind: 'result', ordinal: null, fileCode: null });
    expect(d.OrganName).toBe('UBND phường Mẫu');
    expect(d.DocCode).toBeNull();
  });
});

describe('file description', () => {
  const docs = [
    { metadata: metadata({ pageCount: 3, blankPagesDropped: 1, retention: { years: 20 } }) },
    { metadata: metadata({ recordId: 'r-2', pageCount: 1, retention: 'permanent', fields: { dates: ['2026-11-05'] } }) },
  ].map((d, i) => ({ ...d, description: deriveDocumentDescription({ ...d, componentKind: 'component', ordinal: i + 1, fileCode: 'F' }) }));
  const file = deriveFileDescription({
    dossierCode: '000.00.00.H00-261121-0001', procedureName: 'Đăng ký khai sinh', receivedAt: new Date('2026-11-21T01:00:00Z'),
    closedAt: new Date('2026-12-31T20:00:00Z'), closedBecause: 'result-issued', documents: docs,
  });
  it('counts documents, sheets and pages, keeps it as long as its longest-kept part, and dates it', () => {
    expect(file).toMatchObject({
      FileCode: '000.00.00.H00-261121-0001', Title: 'Hồ sơ đăng ký khai sinh của Nguyễn Văn An', Maintenance: 'Vĩnh viễn',
      TotalDoc: 2, SheetNumber: 3, PageNumber: 4, StartDate: '2026-11-05', Language: 'vi', PaperFileCode: '000.00.00.H00-261121-0001',
    });
    // Closed at 03:00 on 1 January, Vietnam time: the end date and the inventory year are Vietnam's.
    expect(file.EndDate).toBe('2027-01-01');
    expect(file.FileCatalog).toBe(2027);
  });
  it('sums the files of a fonds', () => {
    const fonds = deriveFondsDescription({ unitCode: 'U', unitName: 'UBND', files: [file, { ...file, StartDate: '2025-03-01', TotalDoc: 5 }] });
    expect(fonds).toMatchObject({ Identifier: 'U', FondName: 'UBND', ArchivesTime: '2025-2027', PaperTotal: 7, FileTotal: 2 });
  });
});

describe('edits', () => {
  it('win over derived values, and report only what they change with the old value', () => {
    const derived = { Title: 'a', Rights: 'Hạn chế', InforSign: null as string | null };
    const current = effective(derived, { Title: 'b' });
    expect(current.Title).toBe('b');
    expect(changesOf(current, { Title: 'c', Rights: 'Hạn chế', InforSign: 'X' })).toEqual([
      { field: 'Title', old: 'b', new: 'c' },
      { field: 'InforSign', old: null, new: 'X' },
    ]);
  });
});
