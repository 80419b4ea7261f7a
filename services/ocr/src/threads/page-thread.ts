import { move, transferableSymbol, valueSymbol } from 'piscina';
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

/**
 * The page's pixels are handed over to the main thread, not copied: a structured clone left a second full-resolution
 * copy (tens of MB) in this thread until its garbage collector ran. Views sharing one buffer hand it over once.
 */
function handedOver<T extends object>(value: T, views: Uint8Array[]) {
  const buffers = [...new Set(views.map((view) => view.buffer))];
  return move({ [transferableSymbol]: buffers, [valueSymbol]: value });
}

export default async function run(task: PageTask) {
  if (task.kind === 'codes') return decodeCodes(asBuffer(task.image));
  const prepared = await preparePage(asBuffer(task.input), task.options);
  return handedOver(prepared, [prepared.cleaned.page.pixels, ...(prepared.binary ? [prepared.binary.data] : [])]);
}
