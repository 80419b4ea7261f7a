/**
 * An uploaded PKCS#12 and its password, sealed for the database: AES-256-GCM
 * under the key-encryption key (SIGNING_KEY_ENCRYPTION_KEY), a fresh random
 * nonce per blob, and the certificate's id as additional data, so a blob copied
 * onto another certificate's row does not open. Any worker with the key can
 * sign; no file on any machine holds the key or its password. Pure: no I/O.
 *
 *   blob = version (1 byte) ‖ nonce (12) ‖ ciphertext ‖ GCM tag (16)
 *   plaintext = password length (4 bytes, big-endian) ‖ password (UTF-8) ‖ .p12 bytes
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SignerError } from './errors.ts';

const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_ENCRYPTION_KEY_BYTES = 32;

export interface SealedPkcs12Contents {
  p12: Uint8Array;
  password: string;
}

function assertKey(key: Uint8Array): void {
  if (key.length !== KEY_ENCRYPTION_KEY_BYTES) throw new SignerError('key-encryption-key-missing', `The key-encryption key must be ${KEY_ENCRYPTION_KEY_BYTES} bytes (AES-256).`);
}

/** The additional data: the format version and the id of the certificate row the blob belongs to. */
function associatedData(certificateId: string): Buffer {
  return Buffer.concat([Buffer.of(VERSION), Buffer.from(certificateId, 'utf8')]);
}

export function sealPkcs12(key: Uint8Array, certificateId: string, contents: SealedPkcs12Contents): Uint8Array {
  assertKey(key);
  const password = Buffer.from(contents.password, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(password.length);
  const plaintext = Buffer.concat([length, password, contents.p12]);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(certificateId));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  // The plaintext buffers are ours: wipe them rather than leave them to the garbage collector.
  plaintext.fill(0);
  password.fill(0);
  return new Uint8Array(Buffer.concat([Buffer.of(VERSION), nonce, ciphertext, cipher.getAuthTag()]));
}

/**
 * Opens a sealed PKCS#12. A wrong key, a blob of another certificate, or a
 * single changed byte all fail the GCM tag: nothing is returned then.
 */
export function unsealPkcs12(key: Uint8Array, certificateId: string, blob: Uint8Array): SealedPkcs12Contents {
  assertKey(key);
  const unreadable = () =>
    new SignerError('sealed-key-unreadable', 'The stored certificate cannot be decrypted: SIGNING_KEY_ENCRYPTION_KEY is not the key it was stored with, or the stored data was changed.');
  const bytes = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (bytes.length < 1 + NONCE_BYTES + 4 + TAG_BYTES || bytes[0] !== VERSION) throw unreadable();
  const nonce = bytes.subarray(1, 1 + NONCE_BYTES);
  const tag = bytes.subarray(bytes.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(associatedData(certificateId));
  decipher.setAuthTag(tag);
  let plaintext: Buffer;
  try {
    plaintext = Buffer.concat([decipher.update(bytes.subarray(1 + NONCE_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw unreadable();
  }
  const passwordLength = plaintext.readUInt32BE(0);
  if (4 + passwordLength > plaintext.length) throw unreadable();
  const contents = {
    password: plaintext.subarray(4, 4 + passwordLength).toString('utf8'),
    p12: new Uint8Array(plaintext.subarray(4 + passwordLength)),
  };
  plaintext.fill(0);
  return contents;
}
