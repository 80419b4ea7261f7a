/**
 * File names from outside (a browser's multipart filename, a scanner's file in the hot folder) kept as display
 * names and used, prefixed, as names in the quarantine. File systems limit a name to 255 *bytes*: Vietnamese letters
 * take 2–3 bytes each in UTF-8, so limits are counted in bytes and names cut between characters, never inside one.
 */
import path from 'node:path';

/** The longest prefix of `text` that fits in `maxBytes` of UTF-8, cut between code points. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  for (const character of text) {
    bytes += Buffer.byteLength(character);
    if (bytes > maxBytes) break;
    end += character.length;
  }
  return text.slice(0, end);
}

/** Cuts `name` to `maxBytes` of UTF-8, keeping its extension (a short one) so the file still says what it is. */
export function fitFileName(name: string, maxBytes: number): string {
  if (Buffer.byteLength(name) <= maxBytes) return name;
  const extension = path.extname(name);
  const keep = extension && Buffer.byteLength(extension) <= 16 && Buffer.byteLength(extension) < maxBytes ? extension : '';
  return truncateUtf8(name.slice(0, name.length - keep.length), maxBytes - Buffer.byteLength(keep)) + keep;
}

/** Display names are kept to this many bytes (room for the quarantine's prefix and ".reason.txt"). */
export const MAX_DISPLAY_NAME_BYTES = 200;

/**
 * A display name from a client-supplied name: the last path segment only (either slash), no control characters,
 * no leading dots, NFC, at most MAX_DISPLAY_NAME_BYTES bytes. It never names a path on this machine.
 */
export function safeFileName(name: string): string {
  const base = name.normalize('NFC').replace(/\\/g, '/').split('/').pop() ?? '';
  return fitFileName(base.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').replace(/^\.+/, '').trim(), MAX_DISPLAY_NAME_BYTES);
}
