/**
 * Builds the CMS SignedData a PAdES baseline B-B signature carries in
 * /Contents: detached, SHA-256, signed attributes exactly content-type,
 * message-digest and signing-certificate-v2 — and no signing-time, because
 * PAdES puts the claimed time in the signature dictionary's /M.
 */
import * as asn1js from 'asn1js';
import { createHash, verify, X509Certificate } from 'node:crypto';
import * as pkijs from 'pkijs';
import './crypto-engine.ts';
import { certificateFromDer } from './certificate.ts';
import { LRUCache } from 'lru-cache';
import { SignerError } from './errors.ts';
import type { SigningAlgorithm, SigningKey } from './signing-key.ts';

/**
 * The signer's and its chain's certificates, parsed once: every signature of a unit carries the same ones, and
 * pkijs took about 8 ms a signature to parse them again. Only read here (issuer, serial number, toSchema).
 */
const parsedCertificates = new LRUCache<string, pkijs.Certificate>({ max: 16 });
function parsedCertificate(der: Uint8Array): pkijs.Certificate {
  const key = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  let certificate = parsedCertificates.get(key);
  if (!certificate) {
    certificate = certificateFromDer(der);
    parsedCertificates.set(key, certificate);
  }
  return certificate;
}

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha256WithRsaEncryption: '1.2.840.113549.1.1.11',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  /** id-aa-signatureTimeStampToken (RFC 3161 appendix A): B-T's unsigned attribute. */
  signatureTimeStampToken: '1.2.840.113549.1.9.16.2.14',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
} as const;

export interface CadesSignatureInput {
  /** SHA-256 of the signed byte ranges of the PDF. */
  documentDigest: Uint8Array;
  signerCertificateDer: Uint8Array;
  chainDer: Uint8Array[];
  /** Signs the DER of the signed attributes; where its key lives is not this code's business. */
  key: Pick<SigningKey, 'algorithm' | 'sign'>;
  /**
   * B-T: returns an RFC 3161 time-stamp token (DER ContentInfo) over the
   * signature value it is given. Absent for B-B.
   */
  timestamp?: (signatureValue: Uint8Array) => Promise<Uint8Array>;
}

/**
 * ESSCertIDv2 (RFC 5035) for the signer certificate. hashAlgorithm is left out
 * because SHA-256 is its DEFAULT and DER forbids encoding defaults; issuerSerial
 * is included so a verifier can tell which certificate was meant even when two
 * share a key.
 */
export function signingCertificateV2(certificateDer: Uint8Array): asn1js.Sequence {
  const certificate = parsedCertificate(certificateDer);
  const issuerSerial = new asn1js.Sequence({
    value: [
      // GeneralNames ::= SEQUENCE OF GeneralName; directoryName is [4] EXPLICIT Name.
      new asn1js.Sequence({
        value: [new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 4 }, value: [certificate.issuer.toSchema()] })],
      }),
      certificate.serialNumber,
    ],
  });
  const essCertIdV2 = new asn1js.Sequence({
    value: [new asn1js.OctetString({ valueHex: createHash('sha256').update(certificateDer).digest() }), issuerSerial],
  });
  return new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] });
}

function attribute(type: string, value: asn1js.AsnType): pkijs.Attribute {
  return new pkijs.Attribute({ type, values: [value] });
}

/** DER encodes a SET OF in ascending order of the elements' encodings. */
function inDerSetOrder(attributes: pkijs.Attribute[]): pkijs.Attribute[] {
  const encoded = attributes.map((item) => ({ item, der: Buffer.from(item.toSchema().toBER(false)) }));
  return encoded.sort((a, b) => Buffer.compare(a.der, b.der)).map(({ item }) => item);
}

/**
 * The algorithm identifiers, canonical: RFC 5754 wants SHA-2 digest parameters
 * absent, RFC 4055 wants NULL for the RSA signature algorithm, RFC 5758 wants
 * ecdsa-with-SHA2 without parameters.
 */
function sha256Identifier(): pkijs.AlgorithmIdentifier {
  return new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 });
}

function signatureIdentifier(algorithm: SigningAlgorithm): pkijs.AlgorithmIdentifier {
  return algorithm === 'rsa-pkcs1-sha256'
    ? new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256WithRsaEncryption, algorithmParams: new asn1js.Null() })
    : new pkijs.AlgorithmIdentifier({ algorithmId: OID.ecdsaWithSha256 });
}

/** The bytes a CMS signer signs: the signed attributes' DER with the SET OF tag (RFC 5652 §5.4), not the [0] they are written with. */
function signedAttributesDer(attributes: pkijs.SignedAndUnsignedAttributes): Uint8Array {
  const der = new Uint8Array(attributes.toSchema().toBER(false));
  der[0] = 0x31;
  return der;
}

/**
 * A transport that signed with another key than its certificate's (a token
 * with two keys, a remote signer mixing up identities) would make a record no
 * verifier accepts: check the value before it goes into the PDF.
 */
function assertSignatureMatches(certificateDer: Uint8Array, data: Uint8Array, signature: Uint8Array): void {
  const publicKey = new X509Certificate(certificateDer).publicKey;
  if (!verify('sha256', data, { key: publicKey, dsaEncoding: 'der' }, signature)) {
    throw new SignerError('bad-key', 'The signing key made a signature its certificate does not verify: key and certificate do not belong together.');
  }
}

/** What a CMS signer signs for a document, and the attributes written with it. */
function signedAttributesFor(documentDigest: Uint8Array, signerCertificateDer: Uint8Array): { attributes: pkijs.SignedAndUnsignedAttributes; toBeSigned: Uint8Array } {
  const signedAttributes = inDerSetOrder([
    attribute(OID.contentType, new asn1js.ObjectIdentifier({ value: OID.data })),
    attribute(OID.messageDigest, new asn1js.OctetString({ valueHex: documentDigest })),
    attribute(OID.signingCertificateV2, signingCertificateV2(signerCertificateDer)),
  ]);
  const attributes = new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: signedAttributes });
  // Detached, with signed attributes: what is signed is the DER of the attributes, which carry the document's digest.
  return { attributes, toBeSigned: signedAttributesDer(attributes) };
}

/** The bytes the key signs for a document digest: the DER of the signed attributes (the same for the same inputs). */
export function cadesToBeSigned(documentDigest: Uint8Array, signerCertificateDer: Uint8Array): Uint8Array {
  return signedAttributesFor(documentDigest, signerCertificateDer).toBeSigned;
}

export interface CadesParts {
  documentDigest: Uint8Array;
  signerCertificateDer: Uint8Array;
  chainDer: Uint8Array[];
  algorithm: SigningAlgorithm;
  /** What the key returned for cadesToBeSigned(documentDigest, signerCertificateDer). */
  signatureValue: Uint8Array;
  /** B-T: the RFC 3161 token (DER ContentInfo) over signatureValue. */
  timestampToken?: Uint8Array;
}

/**
 * The SignedData once the key has signed and any time-stamp has come back: no key and no network, only the
 * ASN.1 work, so it can run away from the event loop (services/signer/src/threads/sign-thread.ts).
 */
export function assembleCadesSignature(parts: CadesParts): Uint8Array {
  const signer = parsedCertificate(parts.signerCertificateDer);
  const { attributes: signedAttrs } = signedAttributesFor(parts.documentDigest, parts.signerCertificateDer);
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [sha256Identifier()],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: signer.issuer, serialNumber: signer.serialNumber }),
        digestAlgorithm: sha256Identifier(),
        signedAttrs,
        signatureAlgorithm: signatureIdentifier(parts.algorithm),
        signature: new asn1js.OctetString({ valueHex: parts.signatureValue }),
      }),
    ],
    certificates: [signer, ...parts.chainDer.map(parsedCertificate)],
  });

  if (parts.timestampToken) {
    // The token is over the signature value; it goes in as an unsigned attribute, which leaves the signature untouched.
    const parsed = asn1js.fromBER(parts.timestampToken);
    if (parsed.offset === -1) throw new Error('the time-stamp token is not DER');
    signedData.signerInfos[0]!.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 1, attributes: [attribute(OID.signatureTimeStampToken, parsed.result)] });
  }

  const contentInfo = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
  return new Uint8Array(contentInfo.toSchema().toBER(false));
}

/**
 * Signs with the key and checks the value against the certificate; a time-stamp, when asked for, can only be
 * fetched after this, since it is over the signature value.
 */
export async function signCades(key: Pick<SigningKey, 'sign'>, toBeSigned: Uint8Array, signerCertificateDer: Uint8Array): Promise<Uint8Array> {
  const signatureValue = await key.sign(toBeSigned);
  assertSignatureMatches(signerCertificateDer, toBeSigned, signatureValue);
  return signatureValue;
}

export async function buildCadesSignature(input: CadesSignatureInput): Promise<Uint8Array> {
  const toBeSigned = cadesToBeSigned(input.documentDigest, input.signerCertificateDer);
  const signatureValue = await signCades(input.key, toBeSigned, input.signerCertificateDer);
  const timestampToken = input.timestamp ? await input.timestamp(signatureValue) : undefined;
  return assembleCadesSignature({
    documentDigest: input.documentDigest,
    signerCertificateDer: input.signerCertificateDer,
    chainDer: input.chainDer,
    algorithm: input.key.algorithm,
    signatureValue,
    timestampToken,
  });
}
