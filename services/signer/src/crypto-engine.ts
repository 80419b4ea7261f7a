/**
 * pkijs needs a WebCrypto implementation; Node's is complete for what CMS
 * signing and verification use. Set once, on first import.
 */
import { webcrypto } from 'node:crypto';
import * as pkijs from 'pkijs';

pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto }));

export const subtle = webcrypto.subtle;
