/**
 * What can go wrong when a unit signs. The code is stable (the API edge and the
 * CLI map it to a message or an HTTP status); the message is for people.
 */
export type SignerErrorCode =
  | 'wrong-password'
  | 'bad-pkcs12'
  | 'unsupported-key'
  | 'expired'
  | 'not-yet-valid'
  | 'key-usage'
  | 'untrusted-chain'
  | 'bad-pdf'
  | 'already-signed'
  | 'encrypted-pdf'
  | 'timestamp-unavailable'
  | 'timestamp-refused'
  | 'revoked'
  | 'missing-password'
  | 'signature-too-large'
  | 'bad-unit-code'
  | 'development-pki-incomplete'
  | 'bad-key'
  | 'key-encryption-key-missing'
  | 'sealed-key-unreadable'
  | 'bad-seal';

export class SignerError extends Error {
  constructor(
    public code: SignerErrorCode | (string & {}),
    message: string,
  ) {
    super(message);
    this.name = 'SignerError';
  }
}
