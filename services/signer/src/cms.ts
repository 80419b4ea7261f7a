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
import { SignerError } from './errors.ts';
import type { SigningAlgorithm, SigningKey } from './signing-key.ts';

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
  const certificate = certificateFromDer(certificateDer);
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

export async function buildCadesSignature(input: CadesSignatureInput): Promise<Uint8Array> {
  const signer = certificateFromDer(input.signerCertificateDer);
  const signedAttributes = inDerSetOrder([
    attribute(OID.contentType, new asn1js.ObjectIdentifier({ value: OID.data })),
    attribute(OID.messageDigest, new asn1js.OctetString({ valueHex: input.documentDigest })),
    attribute(OID.signingCertificateV2, signingCertificateV2(input.signerCertificateDer)),
  ]);

  const signedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: signedAttributes });

  // Detached, with signed attributes: what is signed is the DER of the attributes, which carry the document's digest.
  const toBeSigned = signedAttributesDer(signedAttrs);
  const signatureValue = await input.key.sign(toBeSigned);
  assertSignatureMatches(input.signerCertificateDer, toBeSigned, signatureValue);

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
        signatureAlgorithm: signatureIdentifier(input.key.algorithm),
        signature: new asn1js.OctetString({ valueHex: signatureValue }),
      }),
    ],
    certificates: [signer, ...input.chainDer.map(certificateFromDer)],
  });

  if (input.timestamp) {
    // The token is over the signature value, so it can only be fetched now; it
    // goes in as an unsigned attribute, which leaves the signature untouched.
    const signerInfo = signedData.signerInfos[0]!;
    const token = await input.timestamp(new Uint8Array(signerInfo.signature.valueBlock.valueHexView));
    const parsed = asn1js.fromBER(token);
    if (parsed.offset === -1) throw new Error('the time-stamp token is not DER');
    signerInfo.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 1, attributes: [attribute(OID.signatureTimeStampToken, parsed.result)] });
  }

  const contentInfo = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
  return new Uint8Array(contentInfo.toSchema().toBER(false));
}
