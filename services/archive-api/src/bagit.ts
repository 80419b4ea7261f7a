/**
 * BagIt (RFC 8493) packages, written as a zip that streams: payload files are read from the object store one at a
 * time while the zip goes out, so a fonds of any size never sits in memory. Entries are stored, not deflated (the
 * PDFs are compressed already), which lets the zip's final size be known before a byte is sent: the object store
 * needs it to plan a streamed upload, and an HTTP download can announce it.
 *
 * The manifest lists each payload file's SHA-256 as the database holds it (checked on archiving and by fixity);
 * the bytes streamed into the bag are hashed on the way and the bag is broken off if they differ, so a bag never
 * carries a manifest line its payload contradicts.
 */
import { createHash } from 'node:crypto';
import { PassThrough, Transform, type Readable } from 'node:stream';
import yazl from 'yazl';

export interface BagPayloadFile {
  /** Path below data/, '/'-separated, made of checked parts (codes and ids). */
  path: string;
  size: number;
  sha256: string;
  /** Opened only when the zip reaches this entry. */
  open(): Promise<Readable> | Readable;
}

export interface BagTagInfo {
  sourceOrganization: string;
  externalIdentifier: string;
  externalDescription: string;
  baggingDate: Date;
}

export const BAG_DECLARATION = 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n';

/** Octet count and file count of the payload, "1234.5". */
export const payloadOxum = (files: readonly { size: number }[]) => `${files.reduce((n, f) => n + f.size, 0)}.${files.length}`;

/** RFC 8493 §2.1.3: CR, LF and % in a manifest path are percent-encoded. */
const manifestPath = (p: string) => p.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

export function manifestText(entries: readonly { path: string; sha256: string }[]): string {
  return entries.map((e) => `${e.sha256}  ${manifestPath(e.path)}\n`).join('');
}

/** Labels and values on one line each: a value never carries a line break of its own. */
export function bagInfoText(info: BagTagInfo, payload: readonly { size: number }[]): string {
  const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ');
  const bytes = payload.reduce((n, f) => n + f.size, 0);
  return [
    `Source-Organization: ${oneLine(info.sourceOrganization)}`,
    `External-Identifier: ${oneLine(info.externalIdentifier)}`,
    `External-Description: ${oneLine(info.externalDescription)}`,
    `Bagging-Date: ${info.baggingDate.toISOString().slice(0, 10)}`,
    `Bag-Software-Agent: sohoa`,
    `Payload-Oxum: ${payloadOxum(payload)}`,
    `Bag-Size: ${bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${(bytes / 1024).toFixed(1)} KB`}`,
  ].map((l) => `${l}\n`).join('');
}

/** The tag files of a bag, in order: declaration, bag-info, payload manifest, and the tag manifest over the three. */
export function tagFiles(payload: readonly BagPayloadFile[], info: BagTagInfo): { path: string; bytes: Buffer }[] {
  const tags = [
    { path: 'bagit.txt', bytes: Buffer.from(BAG_DECLARATION) },
    { path: 'bag-info.txt', bytes: Buffer.from(bagInfoText(info, payload)) },
    { path: 'manifest-sha256.txt', bytes: Buffer.from(manifestText(payload.map((f) => ({ path: `data/${f.path}`, sha256: f.sha256 })))) },
  ];
  const tagManifest = manifestText(tags.map((t) => ({ path: t.path, sha256: createHash('sha256').update(t.bytes).digest('hex') })));
  return [...tags, { path: 'tagmanifest-sha256.txt', bytes: Buffer.from(tagManifest) }];
}

export class BagPayloadMismatch extends Error {}

/** Passes bytes through and fails the stream at its end when they are not the size and SHA-256 promised. */
function checked(file: BagPayloadFile): Transform {
  const hash = createHash('sha256');
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
    flush(done) {
      const sha256 = hash.digest('hex');
      if (size !== file.size || sha256 !== file.sha256) {
        done(new BagPayloadMismatch(`data/${file.path}: the stored object is ${size} bytes hashing to ${sha256}, the archive holds ${file.size} bytes hashing to ${file.sha256}`));
      } else done();
    },
  });
}

export interface WrittenBag {
  /** The zip; it errors if a payload file is not what the manifest says. */
  stream: Readable;
  /** Known before the stream ends. */
  size: number;
}

/** Writes the bag, every entry below one top-level folder named after the bag (RFC 8493 §4.2 serialization). */
export function writeBag(name: string, payload: readonly BagPayloadFile[], info: BagTagInfo): WrittenBag {
  const zip = new yazl.ZipFile();
  const out = new PassThrough();
  const fail = (err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err)));
  const mtime = info.baggingDate;
  for (const file of payload) {
    zip.addReadStreamLazy(`${name}/data/${file.path}`, { size: file.size, compress: false, mtime }, (cb) => {
      Promise.resolve(file.open()).then(
        (source) => {
          source.on('error', fail);
          const check = checked(file);
          check.on('error', fail);
          cb(null, source.pipe(check));
        },
        (err) => {
          fail(err);
          cb(err as Error, undefined as unknown as Readable);
        },
      );
    });
  }
  for (const tag of tagFiles(payload, info)) zip.addBuffer(tag.bytes, `${name}/${tag.path}`, { compress: false, mtime });
  let size = -1;
  (zip.end as (o: object, cb: (n: number) => void) => void)({}, (n) => (size = n));
  zip.outputStream.on('error', fail);
  zip.outputStream.pipe(out);
  if (size < 0) throw new Error('the bag size could not be computed before streaming');
  return { stream: out, size };
}
