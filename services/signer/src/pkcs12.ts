/**
 * Reads a unit's PKCS#12 (.p12/.pfx) into a signing identity. node-forge does
 * the PKCS#12 decoding (PBES2/AES and legacy 3DES/RC2 both occur in files from
 * Vietnamese CAs); the private key then goes into WebCrypto as a
 * non-extractable key, so nothing downstream holds raw key bytes.
 */
import forge from 'node-forge';
import { subtle } from './crypto-engine.ts';
import { certificateFromPem, displayName } from './certificate.ts';
import { SignerError } from './errors.ts';

export interface SigningIdentity {
  certificatePem: string;
  /** Issuing certificates, nearest first, without the signer certificate. */
  chainPem: string[];
  subjectName: string;
  notBefore: Date;
  notAfter: Date;
  /** RSASSA-PKCS1-v1_5 / SHA-256 WebCrypto key, not extractable. */
  privateKey: CryptoKey;
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
    if (/Unknown OID|Cannot read private key/i.test(message)) {
      throw new SignerError('unsupported-key', 'The certificate file holds a key type sohoa cannot use yet (only RSA keys are supported).');
    }
    throw new SignerError('bad-pkcs12', `The certificate file could not be read: ${message}`);
  }
}

function bagsOfType(pfx: forge.pkcs12.Pkcs12Pfx, bagType: string): forge.pkcs12.Bag[] {
  return pfx.getBags({ bagType })[bagType] ?? [];
}

function sameRsaKey(certificate: forge.pki.Certificate, key: forge.pki.rsa.PrivateKey): boolean {
  const publicKey = certificate.publicKey as forge.pki.rsa.PublicKey;
  return publicKey.n !== undefined && publicKey.n.equals(key.n) && publicKey.e.equals(key.e);
}

/** Orders the other certificates from the signer's issuer upwards; strays go last. */
function orderChain(signer: forge.pki.Certificate, others: forge.pki.Certificate[]): forge.pki.Certificate[] {
  const ordered: forge.pki.Certificate[] = [];
  const remaining = [...others];
  let current = signer;
  for (;;) {
    const index = remaining.findIndex((candidate) => {
      try {
        return candidate.verify(current);
      } catch {
        return false;
      }
    });
    if (index < 0) break;
    const [issuer] = remaining.splice(index, 1);
    ordered.push(issuer!);
    current = issuer!;
  }
  return [...ordered, ...remaining];
}

export async function loadPkcs12(p12: Uint8Array, password: string): Promise<SigningIdentity> {
  const pfx = decodePfx(p12, password);
  const keyBags = [...bagsOfType(pfx, forge.pki.oids.pkcs8ShroudedKeyBag!), ...bagsOfType(pfx, forge.pki.oids.keyBag!)];
  const key = keyBags.find((bag) => bag.key)?.key as forge.pki.rsa.PrivateKey | undefined;
  if (!key) throw new SignerError('bad-pkcs12', 'The certificate file holds no private key.');
  if (!key.n) throw new SignerError('unsupported-key', 'The certificate file holds a key type sohoa cannot use yet (only RSA keys are supported).');

  const certificates = bagsOfType(pfx, forge.pki.oids.certBag!).flatMap((bag) => (bag.cert ? [bag.cert] : []));
  const signer = certificates.find((certificate) => sameRsaKey(certificate, key));
  if (!signer) throw new SignerError('bad-pkcs12', 'The certificate file holds no certificate for its private key.');
  const chain = orderChain(signer, certificates.filter((certificate) => certificate !== signer));

  const pkcs8Der = forge.asn1.toDer(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(key))).getBytes();
  const privateKey = await subtle.importKey(
    'pkcs8',
    Buffer.from(pkcs8Der, 'binary'),
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    false,
    ['sign'],
  );

  const certificatePem = forge.pki.certificateToPem(signer);
  const parsed = certificateFromPem(certificatePem);
  return {
    certificatePem,
    chainPem: chain.map((certificate) => forge.pki.certificateToPem(certificate)),
    subjectName: displayName(parsed),
    notBefore: parsed.notBefore.value,
    notAfter: parsed.notAfter.value,
    privateKey,
  };
}
