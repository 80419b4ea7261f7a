/**
 * Builds the CMS SignedData a PAdES baseline B-B signature carries in
 * /Contents: detached, SHA-256, signed attributes exactly content-type,
 * message-digest and signing-certificate-v2 — and no signing-time, because
 * PAdES puts the claimed time in the signature dictionary's /M.
 */
import * as asn1js from 'asn1js';
import { createHash } from 'node:crypto';
import * as pkijs from 'pkijs';
import './crypto-engine.ts';
import { certificateFromDer } from './certificate.ts';

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
  /** id-aa-signatureTimeStampToken (RFC 3161 appendix A): B-T's unsigned attribute. */
  signatureTimeStampToken: '1.2.840.113549.1.9.16.2.14',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
} as const;

export interface CadesSignatureInput {
  /** SHA-256 of the signed byte ranges of the PDF. */
  documentDigest: Uint8Array;
  signerCertificateDer: Uint8Array;
  chainDer: Uint8Array[];
  /** RSASSA-PKCS1-v1_5 / SHA-256 or ECDSA key; pkijs derives the signature algorithm from it. */
  privateKey: CryptoKey;
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
 * pkijs writes NULL parameters for SHA-256 and none for sha256WithRSAEncryption;
 * RFC 5754 wants SHA-2 digest parameters absent and RFC 4055 wants NULL for the
 * RSA signature algorithm. Neither field is covered by the signature, so they
 * can be set after signing.
 */
function useCanonicalAlgorithmParameters(signedData: pkijs.SignedData): void {
  for (const algorithm of signedData.digestAlgorithms) delete algorithm.algorithmParams;
  for (const signerInfo of signedData.signerInfos) {
    delete signerInfo.digestAlgorithm.algorithmParams;
    if (signerInfo.signatureAlgorithm.algorithmId.startsWith('1.2.840.113549.1.1.')) {
      signerInfo.signatureAlgorithm.algorithmParams = new asn1js.Null();
    }
    // RFC 5758: ecdsa-with-SHA2 algorithm identifiers carry no parameters.
    if (signerInfo.signatureAlgorithm.algorithmId.startsWith('1.2.840.10045.4.3.')) delete signerInfo.signatureAlgorithm.algorithmParams;
  }
}

export async function buildCadesSignature(input: CadesSignatureInput): Promise<Uint8Array> {
  const signer = certificateFromDer(input.signerCertificateDer);
  const signedAttributes = inDerSetOrder([
    attribute(OID.contentType, new asn1js.ObjectIdentifier({ value: OID.data })),
    attribute(OID.messageDigest, new asn1js.OctetString({ valueHex: input.documentDigest })),
    attribute(OID.signingCertificateV2, signingCertificateV2(input.signerCertificateDer)),
  ]);

  const signedData = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: signer.issuer, serialNumber: signer.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: signedAttributes }),
      }),
    ],
    certificates: [signer, ...input.chainDer.map(certificateFromDer)],
  });

  // Detached: no data given, so pkijs signs the DER of the signed attributes.
  await signedData.sign(input.privateKey, 0, 'SHA-256');
  useCanonicalAlgorithmParameters(signedData);

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
