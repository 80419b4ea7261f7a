/**
 * Checks a CMS SignedData from a PDF's /Contents against the signed bytes:
 * the message digest, the signature over the signed attributes, and that the
 * signing-certificate-v2 attribute names the certificate that verified.
 * Signature values are checked with Node's crypto (RSA PKCS#1 v1.5, RSA-PSS, ECDSA).
 */
import * as asn1js from 'asn1js';
import { createHash, createPublicKey, constants, verify as verifySignature, type KeyObject } from 'node:crypto';
import * as pkijs from 'pkijs';
import './crypto-engine.ts';
import { certificateDer, certificateFromDer } from './certificate.ts';
import { OID } from './cms.ts';
import { DIGEST_BY_OID } from './digests.ts';


/** Signature algorithms that fix their own digest; rsaEncryption takes it from digestAlgorithm. */
const SIGNATURE_DIGESTS: Record<string, string> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};
const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const RSA_PSS = '1.2.840.113549.1.1.10';

export interface CmsCheck {
  signerCertificate: pkijs.Certificate | null;
  certificates: pkijs.Certificate[];
  digestMatches: boolean;
  signatureValid: boolean;
  /** The signer's signature value: what a B-T time-stamp token is over. */
  signatureValue: Uint8Array | null;
  /** DER ContentInfo of each signature-time-stamp token in the unsigned attributes. */
  timestampTokens: Uint8Array[];
  problems: string[];
}

export interface CmsCheckOptions {
  /**
   * Apply PAdES baseline's rules on attributes (signing-certificate-v2 required,
   * no signing-time). Off for time-stamp tokens, which RFC 3161 TSAs sign as plain CMS.
   */
  pades?: boolean;
}

/** /Contents is zero-padded; the CMS ends where its outer DER length says. */
export function trimToDer(contents: Uint8Array): Uint8Array {
  const parsed = asn1js.fromBER(contents);
  return parsed.offset > 0 ? contents.subarray(0, parsed.offset) : contents;
}

/** The X.509 certificates in SignedData.certificates ([0] IMPLICIT), read from their original bytes. */
function embeddedCertificates(signedData: asn1js.Sequence): pkijs.Certificate[] {
  const set = signedData.valueBlock.value.find((item) => item.idBlock.tagClass === 3 && item.idBlock.tagNumber === 0);
  const items = set ? ((set as asn1js.Constructed).valueBlock.value ?? []) : [];
  return items
    .filter((item) => item.idBlock.tagClass === 1 && item.idBlock.tagNumber === 16) // plain Certificate, not the tagged alternatives
    .map((item) => certificateFromDer(new Uint8Array(item.valueBeforeDecodeView)));
}

function findSignerCertificate(signerInfo: pkijs.SignerInfo, certificates: pkijs.Certificate[]): pkijs.Certificate | null {
  const sid = signerInfo.sid;
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    return certificates.find((cert) => cert.issuer.isEqual(sid.issuer) && cert.serialNumber.isEqual(sid.serialNumber)) ?? null;
  }
  // [0] SubjectKeyIdentifier: compare with the SHA-1 of the public key, as RFC 5280 method 1 makes it.
  const keyIdentifier = Buffer.from((sid as asn1js.Constructed).valueBlock.value[0]?.valueBeforeDecodeView ?? []);
  return (
    certificates.find((cert) => {
      const publicKey = cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView;
      return createHash('sha1').update(publicKey).digest().equals(keyIdentifier.subarray(-20));
    }) ?? null
  );
}

function signedAttribute(signerInfo: pkijs.SignerInfo, type: string): pkijs.Attribute | undefined {
  return signerInfo.signedAttrs?.attributes.find((attribute) => attribute.type === type);
}

function verifyValue(signerInfo: pkijs.SignerInfo, publicKey: KeyObject, data: Uint8Array, digestName: string): boolean {
  const algorithm = signerInfo.signatureAlgorithm;
  const signature = signerInfo.signature.valueBlock.valueHexView;
  if (algorithm.algorithmId === RSA_PSS) {
    const params = new pkijs.RSASSAPSSParams({ schema: algorithm.algorithmParams });
    const hash = DIGEST_BY_OID[params.hashAlgorithm.algorithmId];
    if (!hash) throw new Error(`unsupported RSA-PSS hash ${params.hashAlgorithm.algorithmId}`);
    return verifySignature(hash, data, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: params.saltLength }, signature);
  }
  const hash = algorithm.algorithmId === RSA_ENCRYPTION ? digestName : SIGNATURE_DIGESTS[algorithm.algorithmId];
  if (!hash) throw new Error(`unsupported signature algorithm ${algorithm.algorithmId}`);
  return verifySignature(hash, data, publicKey, signature);
}

/**
 * @param signedChunks the byte ranges the signature claims to cover, in order.
 */
export function checkCms(cmsDer: Uint8Array, signedChunks: Uint8Array[], options: CmsCheckOptions = {}): CmsCheck {
  const pades = options.pades ?? true;
  const result: CmsCheck = {
    signerCertificate: null,
    certificates: [],
    digestMatches: false,
    signatureValid: false,
    signatureValue: null,
    timestampTokens: [],
    problems: [],
  };
  let signedData: pkijs.SignedData;
  try {
    const contentInfo = pkijs.ContentInfo.fromBER(trimToDer(cmsDer) as Uint8Array<ArrayBuffer>);
    if (contentInfo.contentType !== OID.signedData) throw new Error('not SignedData');
    signedData = new pkijs.SignedData({ schema: contentInfo.content });
    result.certificates = embeddedCertificates(contentInfo.content as asn1js.Sequence);
  } catch {
    result.problems.push('the signature value could not be read (it is not a CMS SignedData structure)');
    return result;
  }

  const signerInfo = signedData.signerInfos[0];
  if (!signerInfo || signedData.signerInfos.length !== 1) {
    result.problems.push(`the signature holds ${signedData.signerInfos.length} signers where exactly one is expected`);
    if (!signerInfo) return result;
  }
  result.signatureValue = new Uint8Array(signerInfo.signature.valueBlock.valueHexView);
  result.timestampTokens = (signerInfo.unsignedAttrs?.attributes ?? [])
    .filter((attribute) => attribute.type === OID.signatureTimeStampToken)
    .flatMap((attribute) => attribute.values.map((value) => new Uint8Array(value.valueBeforeDecodeView.byteLength ? value.valueBeforeDecodeView : value.toBER(false))));
  const signer = findSignerCertificate(signerInfo, result.certificates);
  result.signerCertificate = signer;
  if (!signer) {
    result.problems.push("the signer's certificate is not included in the signature");
    return result;
  }

  const digestName = DIGEST_BY_OID[signerInfo.digestAlgorithm.algorithmId];
  if (!digestName) {
    result.problems.push(`the signature uses a digest algorithm sohoa does not know (${signerInfo.digestAlgorithm.algorithmId})`);
    return result;
  }
  const hash = createHash(digestName);
  for (const chunk of signedChunks) hash.update(chunk);
  const documentDigest = hash.digest();

  let signedPayload: Uint8Array;
  if (signerInfo.signedAttrs) {
    const messageDigest = signedAttribute(signerInfo, OID.messageDigest)?.values[0] as asn1js.OctetString | undefined;
    result.digestMatches = messageDigest !== undefined && documentDigest.equals(Buffer.from(messageDigest.valueBlock.valueHexView));
    // The signature covers the attributes as a DER SET (tag 0x31), not as the [0] they are stored under.
    const encoded = new Uint8Array(signerInfo.signedAttrs.encodedValue);
    encoded[0] = 0x31;
    signedPayload = encoded;
  } else {
    // Without signed attributes the signature is over the content itself.
    result.digestMatches = true;
    signedPayload = Buffer.concat(signedChunks);
  }
  if (!result.digestMatches) result.problems.push('the document was changed after signing (its digest no longer matches the signed digest)');

  try {
    const publicKey = createPublicKey({ key: Buffer.from(signer.subjectPublicKeyInfo.toSchema().toBER(false)), format: 'der', type: 'spki' });
    result.signatureValid = verifyValue(signerInfo, publicKey, signedPayload, digestName);
  } catch (error) {
    result.problems.push(`the signature value could not be checked: ${error instanceof Error ? error.message : String(error)}`);
    return result;
  }
  if (!result.signatureValid) result.problems.push("the signature value does not verify with the signer's certificate (signature forged or damaged)");

  checkSigningCertificateAttribute(signerInfo, signer, result.problems, pades);
  if (pades && signedAttribute(signerInfo, OID.signingTime)) {
    result.problems.push('the signature carries a CMS signing-time attribute, which PAdES baseline does not allow');
  }
  return result;
}

/** ESSCertIDv2.certHash must be the hash of the certificate that verified; otherwise a substituted certificate could pass. */
function checkSigningCertificateAttribute(signerInfo: pkijs.SignerInfo, signer: pkijs.Certificate, problems: string[], required: boolean): void {
  const attribute = signedAttribute(signerInfo, OID.signingCertificateV2);
  if (!attribute) {
    if (required && !signedAttribute(signerInfo, OID.signingCertificate)) {
      problems.push('the signature does not name its certificate in a signed attribute (no signing-certificate-v2), as PAdES requires');
    }
    return;
  }
  try {
    const certs = (attribute.values[0] as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence;
    const first = certs.valueBlock.value[0] as asn1js.Sequence;
    const parts = first.valueBlock.value;
    const hasAlgorithm = parts[0] instanceof asn1js.Sequence;
    const hashAlgorithm = hasAlgorithm ? new pkijs.AlgorithmIdentifier({ schema: parts[0] }).algorithmId : OID.sha256;
    const certHash = (hasAlgorithm ? parts[1] : parts[0]) as asn1js.OctetString;
    const digestName = DIGEST_BY_OID[hashAlgorithm];
    const expected = digestName ? createHash(digestName).update(certificateDer(signer)).digest() : null;
    if (!expected || !expected.equals(Buffer.from(certHash.valueBlock.valueHexView))) {
      problems.push("the signing-certificate-v2 attribute names a different certificate than the one that signed");
    }
  } catch {
    problems.push('the signing-certificate-v2 attribute could not be read');
  }
}
