/**
 * The PKCS#12 transport behind the signing-key seam: reads a unit's .p12/.pfx
 * into a `SigningKey`. node-forge does the PKCS#12 decoding (PBES2/AES and
 * legacy 3DES/RC2 both occur in files from Vietnamese CAs), RSA and ECDSA keys
 * alike; the private key then goes into WebCrypto as a non-extractable key, so
 * nothing downstream holds raw key bytes — it only calls sign().
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import * as pkijs from 'pkijs';
import { subtle } from './crypto-engine.ts';
import { SignerError } from './errors.ts';
import { identityOf, keyMatchesCertificate, signingAlgorithmOf, type SigningIdentity, type SigningKey } from './signing-key.ts';

export type { SigningIdentity } from './signing-key.ts';

export interface Pkcs12Identity extends SigningIdentity {
  /** RSASSA-PKCS1-v1_5 / SHA-256 or ECDSA WebCrypto key, not extractable; only this transport signs with it. */
  readonly privateKey: CryptoKey;
}

function readPfx(asn1: forge.asn1.Asn1, password: string): forge.pkcs12.Pkcs12Pfx {
  try {
    return forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
  } catch (error) {
    // A non-ASCII password needs two encodings: the MAC's PKCS#12 key
    // derivation takes it as BMPString (forge does that), PBES2/PBKDF2 takes
    // its UTF-8 bytes (forge passes the JS string as-is). If the MAC passed
    // but decryption failed, the password is right: decrypt again with UTF-8
    // bytes, skipping the MAC that was already verified.
    const macVerified = error instanceof Error && /Failed to decrypt/i.test(error.message);
    if (!macVerified || /^[\x00-\x7f]*$/.test(password)) throw error;
    const withoutMac = forge.asn1.create(asn1.tagClass, asn1.type, asn1.constructed, (asn1.value as forge.asn1.Asn1[]).slice(0, 2));
    return forge.pkcs12.pkcs12FromAsn1(withoutMac, false, forge.util.encodeUtf8(password));
  }
}

function decodePfx(p12: Uint8Array, password: string): forge.pkcs12.Pkcs12Pfx {
  let asn1: forge.asn1.Asn1;
  try {
    asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(p12).toString('binary')));
  } catch {
    throw new SignerError('bad-pkcs12', 'The file is not a PKCS#12 (.p12/.pfx) certificate file.');
  }
  try {
    return readPfx(asn1, password);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // forge says "MAC could not be verified. Invalid password?" when the MAC
    // fails, and fails while decrypting or parsing the bags when there is no MAC.
    if (/password|MAC could not be verified|decrypt|Too few bytes|Unparsed DER/i.test(message)) {
      throw new SignerError('wrong-password', 'The password for the certificate file is wrong.');
    }
    throw new SignerError('bad-pkcs12', `The certificate file could not be read: ${message}`);
  }
}

function bagsOfType(pfx: forge.pkcs12.Pkcs12Pfx, bagType: string): forge.pkcs12.Bag[] {
  return pfx.getBags({ bagType })[bagType] ?? [];
}

function toDer(asn1: forge.asn1.Asn1): Buffer {
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

/**
 * forge parses RSA keys and certificates only; for others (ECDSA) it keeps the
 * ASN.1 it could not read in bag.asn1, which is all we need: Node's OpenSSL reads
 * the PKCS#8 and the X.509 bytes.
 */
function privateKeyOf(bag: forge.pkcs12.Bag): KeyObject | null {
  const der = bag.key ? toDer(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key))) : bag.asn1 ? toDer(bag.asn1) : null;
  if (!der) return null;
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch {
    return null;
  }
}

function certificateOf(bag: forge.pkcs12.Bag): X509Certificate | null {
  const der = bag.cert ? toDer(forge.pki.certificateToAsn1(bag.cert)) : bag.asn1 ? toDer(bag.asn1) : null;
  if (!der) return null;
  try {
    return new X509Certificate(der);
  } catch {
    return null;
  }
}

/** Orders the other certificates from the signer's issuer upwards; strays go last. */
function orderChain(signer: X509Certificate, others: X509Certificate[]): X509Certificate[] {
  const ordered: X509Certificate[] = [];
  const remaining = [...others];
  let current = signer;
  for (;;) {
    const index = remaining.findIndex((candidate) => current.checkIssued(candidate) && current.verify(candidate.publicKey));
    if (index < 0) break;
    const [issuer] = remaining.splice(index, 1);
    ordered.push(issuer!);
    if (issuer!.checkIssued(issuer!)) break; // self-signed: the root
    current = issuer!;
  }
  return [...ordered, ...remaining];
}

const WEBCRYPTO_CURVES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

/** The WebCrypto algorithm of the key: SHA-256 with RSA PKCS#1 v1.5, or ECDSA on a NIST curve. */
function webCryptoAlgorithm(key: KeyObject): RsaHashedImportParams | EcKeyImportParams {
  return signingAlgorithmOf(key) === 'rsa-pkcs1-sha256'
    ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
    : { name: 'ECDSA', namedCurve: WEBCRYPTO_CURVES[key.asymmetricKeyDetails!.namedCurve!]! };
}

/** A SigningKey over a WebCrypto key: WebCrypto gives ECDSA as r‖s, CMS wants the DER Ecdsa-Sig-Value. */
function webCryptoSigningKey(privateKey: CryptoKey, certificateChain: X509Certificate[]): SigningKey & { privateKey: CryptoKey } {
  const ecdsa = privateKey.algorithm.name === 'ECDSA';
  return {
    certificateChain,
    algorithm: ecdsa ? 'ecdsa-sha256' : 'rsa-pkcs1-sha256',
    privateKey,
    async sign(data) {
      const signature = await subtle.sign(ecdsa ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'RSASSA-PKCS1-v1_5' }, privateKey, data);
      return new Uint8Array(ecdsa ? pkijs.createCMSECDSASignature(signature) : signature);
    },
  };
}

export async function loadPkcs12(p12: Uint8Array, password: string): Promise<Pkcs12Identity> {
  const pfx = decodePfx(p12, password);
  const keyBags = [...bagsOfType(pfx, forge.pki.oids.pkcs8ShroudedKeyBag!), ...bagsOfType(pfx, forge.pki.oids.keyBag!)];
  const key = keyBags.map(privateKeyOf).find((candidate): candidate is KeyObject => candidate !== null);
  if (!key) throw new SignerError('bad-pkcs12', 'The certificate file holds no private key sohoa can read.');
  const algorithm = webCryptoAlgorithm(key);

  const certificates = bagsOfType(pfx, forge.pki.oids.certBag!).flatMap((bag) => certificateOf(bag) ?? []);
  const signer = certificates.find((certificate) => keyMatchesCertificate(key, certificate));
  if (!signer) throw new SignerError('bad-pkcs12', 'The certificate file holds no certificate for its private key.');
  const chain = orderChain(signer, certificates.filter((certificate) => certificate !== signer));

  const privateKey = await subtle.importKey('pkcs8', key.export({ type: 'pkcs8', format: 'der' }), algorithm, false, ['sign']);
  return { ...identityOf(webCryptoSigningKey(privateKey, [signer, ...chain])), privateKey };
}
