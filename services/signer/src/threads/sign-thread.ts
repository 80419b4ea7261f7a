import { createHash } from 'node:crypto';
import { Piscina } from 'piscina';
import type { SignaturePlacement } from '../appearance.ts';
import { assembleCadesSignature, cadesToBeSigned, type CadesParts } from '../cms.ts';
import { SignerError } from '../errors.ts';
import { fillByteRange, fillContents, prepareForSigning, type PrepareOptions, type PreparedPdf, type SignatureDictionaryValues } from '../placeholder.ts';

/**
 * What a signing thread runs (services/signer/src/threads/sign-pool.ts sends the tasks): the CPU of a signature
 * without its key. 'prepare' reads the PDF with pdf-lib, places and draws the visible box (page 1's ink, the font
 * subset, the seal), writes the incremental update, fills the byte range and digests it, and answers the bytes the
 * key must sign; 'finish' assembles the CMS around the signature value (and time-stamp token) and writes it into
 * /Contents. The key signs on the main thread in between, and the time-stamp authority is asked there too: no key
 * material and no network in here.
 */
export interface PrepareTask {
  kind: 'prepare';
  pdf: Uint8Array;
  values: SignatureDictionaryValues;
  options: Pick<PrepareOptions, 'appearance' | 'contentsCapacity'>;
  signerCertificateDer: Uint8Array;
}

/** Where the placeholders are in `bytes` (PreparedPdf without its bytes). */
export type PlaceholderOffsets = Omit<PreparedPdf, 'bytes' | 'placement'>;

export interface PreparedSignature {
  bytes: Uint8Array;
  offsets: PlaceholderOffsets;
  placement?: SignaturePlacement;
  documentDigest: Uint8Array;
  /** The DER of the CMS signed attributes: what the key signs. */
  toBeSigned: Uint8Array;
}

export interface FinishTask {
  kind: 'finish';
  bytes: Uint8Array;
  offsets: PlaceholderOffsets;
  cms: CadesParts;
}

export type SignTask = PrepareTask | FinishTask;

/** A SignerError loses its class and code crossing the thread boundary: it travels as data and is thrown again there. */
export interface SignerFailure {
  failed: { code: string; message: string };
}

export type SignAnswer = PreparedSignature | Uint8Array | SignerFailure;

function digestOfRanges(bytes: Uint8Array, byteRange: number[]): Uint8Array {
  const hash = createHash('sha256');
  for (let index = 0; index < byteRange.length; index += 2) {
    hash.update(bytes.subarray(byteRange[index]!, byteRange[index]! + byteRange[index + 1]!));
  }
  return hash.digest();
}

/** The bytes whole in their own buffer, so that handing the buffer over hands over these bytes and nothing else. */
function alone(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}

/** Answers with `bytes`' buffer handed over, not copied: the thread keeps no reference to them. */
function handingOver<T extends object>(answer: T, bytes: Uint8Array): T {
  return Piscina.move({ [Piscina.transferableSymbol]: [bytes.buffer], [Piscina.valueSymbol]: answer } as never) as T;
}

async function prepare(task: PrepareTask): Promise<PreparedSignature> {
  const { bytes: written, placement, ...offsets } = await prepareForSigning(task.pdf, task.values, task.options);
  const bytes = alone(written);
  const documentDigest = digestOfRanges(bytes, fillByteRange({ ...offsets, bytes }));
  const answer: PreparedSignature = { bytes, offsets, placement, documentDigest, toBeSigned: cadesToBeSigned(documentDigest, task.signerCertificateDer) };
  return handingOver(answer, bytes);
}

function finish(task: FinishTask): Uint8Array {
  const prepared: PreparedPdf = { ...task.offsets, bytes: alone(task.bytes) };
  fillContents(prepared, assembleCadesSignature(task.cms));
  return handingOver(prepared.bytes, prepared.bytes);
}

export default async function run(task: SignTask): Promise<SignAnswer> {
  try {
    return task.kind === 'prepare' ? await prepare(task) : finish(task);
  } catch (error) {
    if (error instanceof SignerError) return { failed: { code: error.code, message: error.message } };
    throw error;
  }
}
