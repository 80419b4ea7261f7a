/**
 * Facts about X.509 certificates that signing and verification decide on.
 * Pure functions over DER/PEM, read with pkijs (which decodes UTF8String names
 * properly — Vietnamese unit names are not ASCII).
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

const OID_COMMON_NAME = '2.5.4.3';
const OID_KEY_USAGE = '2.5.29.15';
const OID_BASIC_CONSTRAINTS = '2.5.29.19';

const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '0.9.2342.19200300.100.1.1': 'UID',
  '1.2.840.113549.1.9.1': 'E',
};

export function pemToDer(pem: string): Uint8Array {
  const base64 = pem.replace(/-----(BEGIN|END) [A-Z0-9 ]+-----/g, '').replace(/\s+/g, '');
  return new Uint8Array(Buffer.from(base64, 'base64'));
}

/** Splits a PEM bundle ("chain.pem") into one PEM per certificate. */
export function splitPemBundle(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)?.map((pem) => `${pem}\n`) ?? [];
}

/**
 * The bytes each certificate was read from. Hashes (signing-certificate-v2,
 * identity comparisons) must be over the original encoding, not over pkijs's
 * re-encoding of it.
 */
const originalDer = new WeakMap<pkijs.Certificate, Uint8Array>();

export function certificateFromDer(der: Uint8Array): pkijs.Certificate {
  const certificate = pkijs.Certificate.fromBER(der as Uint8Array<ArrayBuffer>);
  originalDer.set(certificate, der);
  return certificate;
}

export function certificateFromPem(pem: string): pkijs.Certificate {
  return certificateFromDer(pemToDer(pem));
}

export function certificateDer(certificate: pkijs.Certificate): Uint8Array {
  return originalDer.get(certificate) ?? new Uint8Array(certificate.toSchema().toBER(false));
}

function attributeText(value: unknown): string {
  const block = (value as { valueBlock?: { value?: unknown } }).valueBlock;
  return typeof block?.value === 'string' ? block.value : '';
}

/** "CN=…, OU=…, O=…, C=VN" in the order the certificate lists them. */
export function distinguishedName(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((entry) => `${SHORT_NAMES[entry.type] ?? entry.type}=${attributeText(entry.value)}`)
    .join(', ');
}

export function commonName(name: pkijs.RelativeDistinguishedNames): string | null {
  const entry = name.typesAndValues.find((candidate) => candidate.type === OID_COMMON_NAME);
  return entry ? attributeText(entry.value) : null;
}

/** The name people read: the common name, or the whole DN when there is none. */
export function displayName(certificate: pkijs.Certificate): string {
  return commonName(certificate.subject) ?? distinguishedName(certificate.subject);
}

export function sameCertificate(a: pkijs.Certificate, b: pkijs.Certificate): boolean {
  return Buffer.from(certificateDer(a)).equals(Buffer.from(certificateDer(b)));
}

export type ValidityAtTime = 'valid' | 'expired' | 'not-yet-valid';

export function validityAt(certificate: pkijs.Certificate, time: Date): ValidityAtTime {
  if (time < certificate.notBefore.value) return 'not-yet-valid';
  if (time > certificate.notAfter.value) return 'expired';
  return 'valid';
}

function extension(certificate: pkijs.Certificate, oid: string): pkijs.Extension | undefined {
  return certificate.extensions?.find((candidate) => candidate.extnID === oid);
}

/**
 * Whether the certificate may make document signatures. A missing keyUsage
 * extension is refused even though RFC 5280 would read it as "anything goes":
 * signing certificates for legal effect (ETSI EN 319 412-2, Vietnamese CA
 * profiles) always state digitalSignature and/or nonRepudiation, and a
 * certificate without it is a misissued or a TLS/test certificate.
 */
export function keyUsageForSigning(certificate: pkijs.Certificate): 'allowed' | 'missing' | 'not-allowed' {
  const keyUsage = extension(certificate, OID_KEY_USAGE);
  if (!keyUsage) return 'missing';
  const bits = asn1js.fromBER(keyUsage.extnValue.valueBlock.valueHexView).result as asn1js.BitString;
  const firstByte = bits.valueBlock.valueHexView[0] ?? 0;
  const digitalSignature = (firstByte & 0x80) !== 0;
  const nonRepudiation = (firstByte & 0x40) !== 0;
  return digitalSignature || nonRepudiation ? 'allowed' : 'not-allowed';
}

/** Whether the certificate says it belongs to a certificate authority (basicConstraints cA). */
export function isCertificateAuthority(certificate: pkijs.Certificate): boolean {
  const basicConstraints = extension(certificate, OID_BASIC_CONSTRAINTS);
  if (!basicConstraints) return false;
  const parsed = pkijs.BasicConstraints.fromBER(basicConstraints.extnValue.valueBlock.valueHexView as Uint8Array<ArrayBuffer>);
  return parsed.cA === true;
}

