import { describe, expect, it } from 'vitest';
import { batchStatus, type DocumentView, type FileView, type RecordView } from './batch-status.ts';

const file = (over: Partial<FileView>): FileView => ({ id: 'f1', name: 'a.tif', status: 'split', error: null, pages: 2, blankPages: 0, pagesDone: 2, pagesFailed: 0, ...over });
const doc = (over: Partial<DocumentView>): DocumentView => ({ id: 'd1', fileId: 'f1', status: 'archived', error: null, pages: 2, component: null, recordId: 'r1', ...over });
const record: RecordView = { id: 'r1', documentId: 'd1', sha256: 'x', size: 1, pages: 2, objectKey: 'k', createdAt: '' };

describe('batch status', () => {
  it('is queued before any file is split', () => {
    expect(batchStatus([file({ status: 'received', pages: null, pagesDone: 0 })], [], [])).toBe('queued');
  });
  it('is processing while pages wait for OCR or a document is not archived yet', () => {
    expect(batchStatus([file({ pagesDone: 1 })], [], [])).toBe('processing');
    expect(batchStatus([file({})], [doc({ status: 'signed' })], [])).toBe('processing');
    expect(batchStatus([file({})], [], [])).toBe('processing'); // pages done, document not built yet
  });
  it('is done when every file has ended and there is a record', () => {
    expect(batchStatus([file({}), file({ id: 'f2', status: 'quarantined', error: 'empty file' })], [doc({})], [record])).toBe('done');
  });
  it('counts a file whose pages were all blank as ended once the build job said so', () => {
    const blank = file({ id: 'f2', blankPages: 2, error: 'every page is blank: no document made' });
    expect(batchStatus([file({}), blank], [doc({})], [record])).toBe('done');
  });
  it('is failed when everything ended without a record', () => {
    expect(batchStatus([file({ status: 'quarantined', error: 'corrupt' })], [], [])).toBe('failed');
    expect(batchStatus([file({})], [doc({ status: 'failed', error: 'no certificate' })], [])).toBe('failed');
  });
});
