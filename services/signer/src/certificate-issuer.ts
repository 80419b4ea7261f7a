/**
 * Issues certificates for development and tests: a self-signed authority and
 * the unit certificates it signs, packed as PKCS#12 like a real CA would deliver
 * them. Never used with a production CA — those come from a licensed provider.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export type KeyUsageName = 'digitalSignature' | 'nonRepudiation' | 'keyCertSign' | 'cRLSign';

export interface SubjectName {
  commonName: string;
  organization?: string;
  organizationalUnit?: string;
  country?: string;
}

export interface CertificateRequest {
  subject: SubjectName;
  notBefore: Date;
  notAfter: Date;
  /** null leaves the keyUsage extension out (only tests want that). */
  keyUsage: KeyUsageName[] | null;
  keyBits?: 2048 | 3072 | 4096;
  /** Extended key usages, e.g. ['timeStamping'] for a time-stamp authority (then marked critical, as RFC 3161 asks). */
  extendedKeyUsage?: Array<'timeStamping' | 'emailProtection' | 'clientAuth' | 'OCSPSigning'>;
  /** An http URL where the issuer publishes its CRL. */
  crlDistributionPoint?: string;
  /** An http URL of the issuer's OCSP responder, put in Authority Information Access. */
  ocspResponderUrl?: string;
}

/** forge knows neither id-kp-OCSPSigning by name nor how to build Authority Information Access. */
const OID_OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';
const OID_AUTHORITY_INFO_ACCESS = '1.3.6.1.5.5.7.1.1';
const OID_ACCESS_METHOD_OCSP = '1.3.6.1.5.5.7.48.1';

function authorityInfoAccessExtension(ocspUrl: string): Record<string, unknown> {
  const { asn1 } = forge;
  const accessDescription = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(OID_ACCESS_METHOD_OCSP).getBytes()),
    // accessLocation GeneralName uniformResourceIdentifier [6] IA5String
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 6, false, ocspUrl),
  ]);
  return { id: OID_AUTHORITY_INFO_ACCESS, critical: false, value: asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [accessDescription]) };
}

export interface IssuedCertificate {
  certificatePem: string;
  privateKeyPem: string;
}

/** Node's OpenSSL makes RSA keys in milliseconds where forge's JS takes seconds. */
function generateRsaKeyPair(bits: number): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits, publicExponent: 0x10001 });
  const forgeKey = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()) as forge.pki.rsa.PrivateKey;
  return { privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e) };
}

/** A positive 128-bit serial, as CA/Browser-style profiles ask for unpredictable serials. */
function randomSerialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x10;
  return bytes.toString('hex');
}

function subjectAttributes(subject: SubjectName): forge.pki.CertificateField[] {
  // UTF8String, not forge's default PrintableString: unit names are Vietnamese.
  // forge encodes UTF8String values to UTF-8 itself.
  const text = (name: string, value: string): forge.pki.CertificateField => ({
    name,
    value,
    valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class,
  });
  const attributes: forge.pki.CertificateField[] = [];
  if (subject.country) attributes.push({ name: 'countryName', value: subject.country });
  if (subject.organization) attributes.push(text('organizationName', subject.organization));
  if (subject.organizationalUnit) attributes.push(text('organizationalUnitName', subject.organizationalUnit));
  attributes.push(text('commonName', subject.commonName));
  return attributes;
}

/**
 * The issuer name must match the authority's subject byte for byte. forge
 * parses UTF8String values as raw UTF-8 but encodes them again when writing,
 * so decode them first.
 */
function issuerAttributes(authority: forge.pki.Certificate): forge.pki.CertificateField[] {
  return authority.subject.attributes.map((attribute) =>
    attribute.valueTagClass === (forge.asn1.Type.UTF8 as unknown) && typeof attribute.value === 'string'
      ? { ...attribute, value: forge.util.decodeUtf8(attribute.value) }
      : attribute,
  );
}

function keyUsageExtension(usages: KeyUsageName[]): Record<string, unknown> {
  const extension: Record<string, unknown> = { name: 'keyUsage', critical: true };
  for (const usage of usages) extension[usage] = true;
  return extension;
}

function buildCertificate(
  request: CertificateRequest,
  isAuthority: boolean,
  issuer: { certificate: forge.pki.Certificate; privateKey: forge.pki.PrivateKey } | null,
): IssuedCertificate {
  const keys = generateRsaKeyPair(request.keyBits ?? 2048);
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = keys.publicKey;
  certificate.serialNumber = randomSerialHex();
  certificate.validity.notBefore = request.notBefore;
  certificate.validity.notAfter = request.notAfter;
  certificate.setSubject(subjectAttributes(request.subject));
  certificate.setIssuer(issuer ? issuerAttributes(issuer.certificate) : subjectAttributes(request.subject));

  const extensions: Record<string, unknown>[] = [
    { name: 'basicConstraints', cA: isAuthority, critical: true },
    { name: 'subjectKeyIdentifier' },
  ];
  if (request.keyUsage) extensions.push(keyUsageExtension(request.keyUsage));
  if (request.extendedKeyUsage) {
    const extension: Record<string, unknown> = { name: 'extKeyUsage', critical: request.extendedKeyUsage.includes('timeStamping') };
    for (const usage of request.extendedKeyUsage) extension[usage === 'OCSPSigning' ? OID_OCSP_SIGNING : usage] = true;
    extensions.push(extension);
  }
  if (request.crlDistributionPoint) {
    extensions.push({ name: 'cRLDistributionPoints', altNames: [{ type: 6, value: request.crlDistributionPoint }] });
  }
  if (request.ocspResponderUrl) extensions.push(authorityInfoAccessExtension(request.ocspResponderUrl));
  if (issuer) {
    extensions.push({ name: 'authorityKeyIdentifier', keyIdentifier: issuer.certificate.generateSubjectKeyIdentifier().getBytes() });
  }
  certificate.setExtensions(extensions);
  certificate.sign((issuer?.privateKey ?? keys.privateKey) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());

  return {
    certificatePem: forge.pki.certificateToPem(certificate),
    privateKeyPem: forge.pki.privateKeyToPem(keys.privateKey),
  };
}

export function createCertificateAuthority(request: Omit<CertificateRequest, 'keyUsage'> & { keyUsage?: KeyUsageName[] }): IssuedCertificate {
  return buildCertificate({ keyUsage: ['keyCertSign', 'cRLSign'], ...request }, true, null);
}

export function issueCertificate(request: CertificateRequest, authority: IssuedCertificate): IssuedCertificate {
  return buildCertificate(request, false, {
    certificate: forge.pki.certificateFromPem(authority.certificatePem),
    privateKey: forge.pki.privateKeyFromPem(authority.privateKeyPem),
  });
}

/** Packs key, certificate and chain as PKCS#12 (keys under AES-256) as a CA would hand it over. */
export function toPkcs12(issued: IssuedCertificate, chainPem: string[], password: string, friendlyName: string): Uint8Array {
  const asn1 = forge.pkcs12.toPkcs12Asn1(
    forge.pki.privateKeyFromPem(issued.privateKeyPem),
    [issued.certificatePem, ...chainPem].map((pem) => forge.pki.certificateFromPem(pem)),
    password,
    // forge derives keys in JavaScript: 10 000 iterations keep loading under a second.
    { algorithm: 'aes256', friendlyName, generateLocalKeyId: true, count: 10_000 },
  );
  return new Uint8Array(Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary'));
}

export function randomPassword(): string {
  return randomBytes(24).toString('base64url');
}
