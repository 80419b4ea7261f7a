import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { verifySignature, type S3Credentials } from './sigv4.ts';

/**
 * What stands in front of s3rver. s3rver lets anonymous requests through and does not check Signature V4 at
 * all (its V4 branch trusts any signature from a known key), so every request is checked here first; only a
 * request signed with this installation's key pair reaches it. The gate also answers the one S3 call that the
 * minio client needs for large objects and s3rver lacks (see listMultipartUploads).
 */
export function s3Gate(credentials: S3Credentials, s3rver: RequestListener): RequestListener {
  return (req, res) => {
    const verdict = verifySignature({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers }, credentials);
    if (!verdict.ok) return sendError(res, 403, verdict.code, verdict.message);
    // s3rver would store aws-chunked framing as if it were the object's bytes.
    if (String(req.headers['x-amz-content-sha256']).startsWith('STREAMING-')) {
      return sendError(res, 501, 'NotImplemented', 'Chunked (streaming) signed payloads are not supported by this endpoint');
    }
    const bucket = listMultipartUploadsBucket(req);
    if (bucket) return listMultipartUploads(res, bucket);
    return s3rver(req, res);
  };
}

/** `GET /<bucket>?uploads`: ListMultipartUploads (path-style addressing, the only one this endpoint serves). */
function listMultipartUploadsBucket(req: IncomingMessage): string | null {
  if (req.method !== 'GET') return null;
  const url = new URL(req.url ?? '/', 'http://endpoint');
  const segments = url.pathname.split('/').filter(Boolean);
  return segments.length === 1 && url.searchParams.has('uploads') ? decodeURIComponent(segments[0]!) : null;
}

/**
 * The minio client starts every multipart upload (objects over its 64 MiB part size) by asking for an earlier,
 * unfinished upload of the same key to resume, and s3rver answers that question with NotImplemented. s3rver can
 * resume nothing (it has no ListParts either), so "no unfinished upload" is its true answer: the client then
 * starts a new upload, which s3rver implements (initiate, upload part, complete).
 */
function listMultipartUploads(res: ServerResponse, bucket: string): void {
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
    `<Bucket>${escapeXml(bucket)}</Bucket><KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker>` +
    '<MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated></ListMultipartUploadsResult>';
  res.writeHead(200, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error>`;
  // The refused request's body is not read: close the connection rather than drain it.
  res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
  res.end(body);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
