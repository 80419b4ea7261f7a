import { describe, expect, it } from 'vitest';
import { batchStatus, type DocumentView, type FileView, type RecordView } from './batch-status.ts';

const file = (over: Partial<FileView>): FileView => ({ id: 'f1', name: 'a.tif', status: 'split', error: null, pages: 2, blankPages: 0, pagesDone: 2, pagesFailed: 0, ...over });
const doc = (over: Partial<DocumentView>): DocumentView => ({
  id: 'd1', position: 0, kind: 'document', status: 'archived', error: null, pages: 2, title: null, procedure: 'KS', component: 'KS-TK',
  confidence: 0.9, runnerUp: null, needsReview: false, recordId: 'r1', lowConfidencePages: 0, ...over,
});
const record: RecordView = { id: 'r1', documentId: 'd1', sha256: 'x', size: 1, pages: 2, objectKey: 'k', createdAt: new Date(0) };

describe('batch status', () => {
  it('is queued before any file is split', () => {
    expect(batchStatus([file({ status: 'received', pages: null, pagesDone: 0 })], false, [], [])).toBe('queued');
  });
  it('is processing while pages wait for OCR, the batch is not split, or a document is on its way', () => {
    expect(batchStatus([file({ pagesDone: 1 })], false, [], [])).toBe('processing');
    expect(batchStatus([file({})], false, [], [])).toBe('processing');
    expect(batchStatus([file({})], true, [doc({ status: 'signed' })], [])).toBe('processing');
  });
  it('stays processing while a document waits for the clerk', () => {
    expect(batchStatus([file({})], true, [doc({}), doc({ id: 'd2', status: 'review', needsReview: true })], [record])).toBe('processing');
  });
  it('is done when every file and document has ended and there is a record', () => {
    expect(batchStatus([file({}), file({ id: 'f2', status: 'quarantined', error: 'empty file' })], true, [doc({}), doc({ id: 'd2', status: 'merged' })], [record])).toBe('done');
  });
  it('is failed when everything ended without a record', () => {
    expect(batchStatus([file({ status: 'quarantined', error: 'corrupt' })], true, [], [])).toBe('failed');
    expect(batchStatus([file({})], true, [doc({ status: 'failed', error: 'no certificate' })], [])).toBe('failed');
    expect(batchStatus([file({ blankPages: 2 })], true, [], [])).toBe('failed'); // every page blank: nothing to keep
  });
  it('is done with a page and a document that failed for good, once nothing else waits', () => {
    const withFailedPage = file({ pages: 3, pagesDone: 2, pagesFailed: 1 });
    expect(batchStatus([withFailedPage], true, [doc({}), doc({ id: 'd2', status: 'failed', error: 'signing failed: no answer' })], [record])).toBe('done');
    expect(batchStatus([file({ pages: 3, pagesDone: 1, pagesFailed: 1 })], false, [], [])).toBe('processing'); // one page still waits
  });
  it('ends failed when the split was given up, and stays processing while it may still run', () => {
    expect(batchStatus([file({})], false, [], [], 'the batch could not be cut into documents: boom')).toBe('failed');
    expect(batchStatus([file({})], false, [], [], null)).toBe('processing');
  });
});
