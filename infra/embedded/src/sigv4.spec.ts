import { describe, expect, it } from 'vitest';
import { verifySignature, type SignedRequest } from './sigv4.ts';

// The worked examples of Amazon's "Signature Version 4 for S3" documentation: their keys, request and signatures.
const example = { accessKey: 'AKIAIOSFODNN7EXAMPLE', secretKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const signedAt = new Date(Date.UTC(2013, 4, 24, 0, 0, 0));
const emptyBodyHash = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const getObject = (): SignedRequest => ({
  method: 'GET',
  url: '/test.txt',
  headers: {
    host: 'examplebucket.s3.amazonaws.com',
    range: 'bytes=0-9',
    'x-amz-content-sha256': emptyBodyHash,
    'x-amz-date': '20130524T000000Z',
    authorization:
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,' +
      'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,' +
      'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
  },
});

const presignedGet = (): SignedRequest => ({
  method: 'GET',
  url:
    '/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request' +
    '&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host' +
    '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
  headers: { host: 'examplebucket.s3.amazonaws.com' },
});

const codeOf = (request: SignedRequest, credentials = example, now = signedAt) => {
  const verdict = verifySignature(request, credentials, now);
  return verdict.ok ? 'ok' : verdict.code;
};

describe('verifySignature', () => {
  it("accepts Amazon's signed GET Object example", () => {
    expect(codeOf(getObject())).toBe('ok');
  });

  it("accepts Amazon's presigned URL example until it expires", () => {
    expect(codeOf(presignedGet())).toBe('ok');
    expect(codeOf(presignedGet(), example, new Date(signedAt.getTime() + 86_399_000))).toBe('ok');
    expect(codeOf(presignedGet(), example, new Date(signedAt.getTime() + 86_401_000))).toBe('AccessDenied');
  });

  it('refuses a signature made with another secret key', () => {
    expect(codeOf(getObject(), { ...example, secretKey: example.secretKey.replace('EXAMPLE', 'EXAMPLF') })).toBe('SignatureDoesNotMatch');
  });

  it('refuses a signed request whose path, method, query or signed header was changed', () => {
    expect(codeOf({ ...getObject(), url: '/other.txt' })).toBe('SignatureDoesNotMatch');
    expect(codeOf({ ...getObject(), method: 'DELETE' })).toBe('SignatureDoesNotMatch');
    expect(codeOf({ ...getObject(), url: '/test.txt?acl' })).toBe('SignatureDoesNotMatch');
    expect(codeOf({ ...getObject(), headers: { ...getObject().headers, range: 'bytes=0-99' } })).toBe('SignatureDoesNotMatch');
    expect(codeOf({ ...presignedGet(), url: presignedGet().url.replace('/test.txt', '/secret.txt') })).toBe('SignatureDoesNotMatch');
  });

  it('refuses an x-amz-* header that the signature does not cover', () => {
    expect(codeOf({ ...getObject(), headers: { ...getObject().headers, 'x-amz-meta-owner': 'mallory' } })).toBe('AccessDenied');
  });

  it('refuses anonymous requests, Signature Version 2 and unknown keys', () => {
    expect(codeOf({ method: 'GET', url: '/test.txt', headers: { host: 'examplebucket.s3.amazonaws.com' } })).toBe('AccessDenied');
    expect(codeOf({ ...getObject(), headers: { ...getObject().headers, authorization: 'AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=' } })).toBe('AccessDenied');
    expect(codeOf(getObject(), { ...example, accessKey: 'SOMEONEELSE' })).toBe('InvalidAccessKeyId');
  });

  it('refuses a header-signed request more than 15 minutes from the clock', () => {
    expect(codeOf(getObject(), example, new Date(signedAt.getTime() + 14 * 60_000))).toBe('ok');
    expect(codeOf(getObject(), example, new Date(signedAt.getTime() + 16 * 60_000))).toBe('RequestTimeTooSkewed');
    expect(codeOf(getObject(), example, new Date(signedAt.getTime() - 16 * 60_000))).toBe('RequestTimeTooSkewed');
  });

  it('refuses both mechanisms at once', () => {
    expect(codeOf({ ...presignedGet(), headers: getObject().headers })).toBe('AccessDenied');
  });
});
