import { decodeCodes } from '../codes/code-reader.ts';
import { preparePage, type PrepareOptions } from '../page-cleanup.ts';

/**
 * What a page-work thread runs (services/ocr/src/threads/page-pool.ts sends the tasks): the pixel loops of
 * cleanup and binarization, and the code reader's WebAssembly, all synchronous CPU work that would otherwise
 * hold the event loop for hundreds of milliseconds a page and stall every API request meanwhile.
 */
export type PageTask =
  | { kind: 'prepare'; input: Uint8Array; options: PrepareOptions }
  | { kind: 'codes'; image: Uint8Array };

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

export default async function run(task: PageTask) {
  if (task.kind === 'codes') return decodeCodes(asBuffer(task.image));
  return preparePage(asBuffer(task.input), task.options);
}
