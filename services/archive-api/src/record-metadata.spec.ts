import { describe, expect, it } from 'vitest';
import type { DocumentToArchive } from './archive.repository.ts';
import { objectMetadata, recordMetadata } from './record-metadata.ts';

const doc: DocumentToArchive = {
  id: 'd', status: 'signed', signed_key: 'k', record_id: 'r-1', page_ids: ['p1', 'p2'], batch_id: 'b', dossier_id: 'dz',
  dossier_code: '000.00.00.H00-261121-0001', procedure_code: 'HKD', procedure_name: 'Đăng ký thành lập hộ kinh doanh', owner_identifier: '001199012345', received_at: new Date(),
  unit_id: 'u', unit_code: '000.00.00.H00', unit_name: 'UBND phường Mẫu', component_code: 'HKD-GDN',
  component_name: 'Giấy đề nghị đăng ký hộ kinh doanh', retention_years: 20, has_component: true, component_kind: 'component', title: 'GIẤY ĐỀ NGHỊ ĐĂNG KÝ HỘ KINH DOANH',
  kind: 'document', fields: { ownerIdentifier: '001199099999', documentNumber: '12/HKD' }, created_by: 'token:clerk', blank_pages: 1,
};
const archivedAt = new Date('2026-11-21T03:00:00Z');

describe('record metadata', () => {
  it('takes retention from the component and counts retain-until from the year archived', () => {
    const m = recordMetadata(doc, { sha256: 'abc', pageCount: 2, archivedAt });
    expect(m).toMatchObject({ retention: { years: 20 }, retainUntil: '2046-12-31', title: 'Giấy đề nghị đăng ký hộ kinh doanh', blankPagesDropped: 1, documentNumber: '12/HKD' });
    expect(m.ownerIdentifier).toBe('001199012345'); // the dossier's owner wins over a number read off the page
  });
  it('keeps a document of no known component permanently: nothing is destroyed by default', () => {
    const m = recordMetadata({ ...doc, component_code: null, component_name: null, has_component: false, retention_years: null }, { sha256: 'abc', pageCount: 2, archivedAt });
    expect(m.retention).toBe('permanent');
    expect(m.retainUntil).toBeNull();
    expect(m.title).toBe('GIẤY ĐỀ NGHỊ ĐĂNG KÝ HỘ KINH DOANH'); // the title read off the page
    const withoutOwner = recordMetadata({ ...doc, owner_identifier: null }, { sha256: 'abc', pageCount: 2, archivedAt });
    expect(withoutOwner.ownerIdentifier).toBe('001199099999');
  });
  it('writes S3 metadata that says what the object is', () => {
    const m = recordMetadata(doc, { sha256: 'abc', pageCount: 2, archivedAt });
    expect(objectMetadata(m)).toMatchObject({ 'record-id': 'r-1', 'dossier-code': doc.dossier_code, retention: '20y', 'retain-until': '2046-12-31', sha256: 'abc' });
  });
});
