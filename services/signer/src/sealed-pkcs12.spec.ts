/**
 * Sealed uploads: AES-256-GCM under the key-encryption key, the certificate id
 * as additional data. Another key, another row's id, or any changed byte opens nothing.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SignerError } from './errors.ts';
import { sealPkcs12, unsealPkcs12 } from './sealed-pkcs12.ts';

const key = randomBytes(32);
const id = '3f1e2d4c-5b6a-4789-8abc-def012345678';
const contents = { p12: new Uint8Array(randomBytes(2500)), password: 'mật khẩu đơn vị 2026' };

function codeOf(open: () => unknown): string {
  try {
    open();
    return 'opened';
  } catch (error) {
    expect(error).toBeInstanceOf(SignerError);
    return (error as SignerError).code;
  }
}

describe('sealPkcs12 / unsealPkcs12', () => {
  it('opens with the key and the id it was sealed for, and holds neither the password nor the .p12 in clear', () => {
    const blob = sealPkcs12(key, id, contents);
    const opened = unsealPkcs12(key, id, blob);
    expect(opened.password).toBe(contents.password);
    expect(Buffer.from(opened.p12).equals(Buffer.from(contents.p12))).toBe(true);
    expect(Buffer.from(blob).includes(Buffer.from(contents.password, 'utf8'))).toBe(false);
    expect(Buffer.from(blob).includes(Buffer.from(contents.p12.subarray(1000, 1032)))).toBe(false);
    // A fresh nonce each time: the same upload sealed twice gives two different blobs.
    expect(Buffer.from(sealPkcs12(key, id, contents)).equals(Buffer.from(blob))).toBe(false);
  });

  it('cannot be opened with another key', () => {
    const blob = sealPkcs12(key, id, contents);
    expect(codeOf(() => unsealPkcs12(randomBytes(32), id, blob))).toBe('sealed-key-unreadable');
  });

  it('cannot be opened as another certificate\'s: a blob copied onto another row is refused', () => {
    const blob = sealPkcs12(key, id, contents);
    expect(codeOf(() => unsealPkcs12(key, '3f1e2d4c-5b6a-4789-8abc-def012345679', blob))).toBe('sealed-key-unreadable');
  });

  it('refuses a tampered blob: one bit changed in the version, nonce, ciphertext or tag, or the blob cut short', () => {
    const blob = sealPkcs12(key, id, contents);
    const positions = { version: 0, nonce: 5, passwordLength: 13, ciphertext: 1200, tag: blob.length - 3 };
    for (const [where, position] of Object.entries(positions)) {
      const tampered = new Uint8Array(blob);
      tampered[position]! ^= 0x01;
      expect([where, codeOf(() => unsealPkcs12(key, id, tampered))]).toEqual([where, 'sealed-key-unreadable']);
    }
    expect(codeOf(() => unsealPkcs12(key, id, blob.subarray(0, blob.length - 1)))).toBe('sealed-key-unreadable');
    expect(codeOf(() => unsealPkcs12(key, id, blob.subarray(0, 20)))).toBe('sealed-key-unreadable');
    expect(codeOf(() => unsealPkcs12(key, id, blob))).toBe('opened'); // the original still opens
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(codeOf(() => sealPkcs12(randomBytes(16), id, contents))).toBe('key-encryption-key-missing');
  });
});
