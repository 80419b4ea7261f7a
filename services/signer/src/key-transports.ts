/**
 * The one place that knows where signing keys live. A registered certificate
 * names its key as a `KeySource`; `open()` picks the transport for it and hands
 * back a `SigningKey`, which is all the PAdES code ever sees. A PKCS#11 token
 * or a remote signing service is one more source kind and one more entry here.
 */
import { readFile } from 'node:fs/promises';
import { SignerError } from './errors.ts';
import { loadPkcs12 } from './pkcs12.ts';
import { sealPkcs12, unsealPkcs12, type SealedPkcs12Contents } from './sealed-pkcs12.ts';
import { readPassword, type PasswordSource } from './secrets.ts';
import { identityOf, type SigningIdentity } from './signing-key.ts';

export type KeySource =
  /** A .p12 on this machine (a mounted secret) and where its password is: a secret file or an environment variable. */
  | { transport: 'pkcs12-file'; p12Path: string; password: PasswordSource }
  /** An uploaded .p12 and its password, sealed under the key-encryption key, kept in the certificate's row. */
  | { transport: 'pkcs12-sealed'; certificateId: string; sealed: Uint8Array };

export interface KeyTransportSettings {
  /** SIGNING_KEY_ENCRYPTION_KEY (or its embedded-default file); without it sealed keys can be neither made nor opened. */
  keyEncryptionKey?: Uint8Array | null;
  env?: NodeJS.ProcessEnv;
}

export interface KeyTransports {
  /** Unlocks the key a source names; refusals (wrong password, unreadable blob) are SignerErrors with a code. */
  open(source: KeySource): Promise<SigningIdentity>;
  /** Whether uploads can be sealed here (a key-encryption key is configured). */
  readonly canSeal: boolean;
  /** Seals an uploaded .p12 and its password for the row `certificateId`. */
  seal(certificateId: string, contents: SealedPkcs12Contents): Uint8Array;
}

export const KEY_ENCRYPTION_KEY_MISSING =
  'Uploaded certificates are stored encrypted, and no key to encrypt them is configured: set SIGNING_KEY_ENCRYPTION_KEY ' +
  '(32 bytes, base64 or hex, e.g. `openssl rand -base64 32`) on the API and on every worker, or import the .p12 by path ' +
  '("p12Path" with "passwordFile" or "passwordEnv").';

export function createKeyTransports(settings: KeyTransportSettings = {}): KeyTransports {
  const kek = () => {
    if (!settings.keyEncryptionKey) throw new SignerError('key-encryption-key-missing', KEY_ENCRYPTION_KEY_MISSING);
    return settings.keyEncryptionKey;
  };
  const transports: { [Kind in KeySource['transport']]: (source: Extract<KeySource, { transport: Kind }>) => Promise<SigningIdentity> } = {
    async 'pkcs12-file'(source) {
      const p12 = await readFile(source.p12Path).catch(() => {
        throw new SignerError('bad-pkcs12', `The certificate file ${source.p12Path} cannot be read.`);
      });
      return loadPkcs12(p12, await readPassword(source.password, settings.env));
    },
    async 'pkcs12-sealed'(source) {
      const { p12, password } = unsealPkcs12(kek(), source.certificateId, source.sealed);
      return loadPkcs12(p12, password);
    },
  };
  return {
    // identityOf keeps only the seam's face (chain, algorithm, sign) and the certificate's facts, whatever the transport returned.
    open: async (source) => identityOf(await transports[source.transport](source as never)),
    canSeal: Boolean(settings.keyEncryptionKey),
    seal: (certificateId, contents) => sealPkcs12(kek(), certificateId, contents),
  };
}
