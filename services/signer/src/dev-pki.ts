/**
 * A development PKI for the embedded first start: a local certificate
 * authority and one unit certificate, so a fresh install can sign records
 * before the unit's real certificate (from a licensed Vietnamese CA) arrives.
 * Idempotent: existing files are reused, never replaced.
 */
import { constants } from 'node:fs';
import { access, chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createCertificateAuthority, issueCertificate, randomPassword, toPkcs12, type IssuedCertificate } from './certificate-issuer.ts';
import { SignerError } from './errors.ts';

export interface DevelopmentPki {
  caCertificatePath: string;
  unitP12Path: string;
  unitPasswordPath: string;
}

export interface DevelopmentPkiOptions {
  dir: string;
  unitCode: string;
  unitName: string;
}

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;
const CA_VALIDITY_YEARS = 10;
const UNIT_VALIDITY_YEARS = 3;
/** Backdated a little so a clock a few minutes behind does not see a not-yet-valid certificate. */
const CLOCK_SKEW_MS = 10 * 60 * 1000;

async function exists(file: string): Promise<boolean> {
  try {
    await access(file, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}

/** Write then rename, so a crash never leaves a half-written key or certificate behind. */
async function writePrivateFile(file: string, content: string | Uint8Array): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, content, { mode: 0o600 });
  await rename(temporary, file);
}

async function ensureAuthority(caPath: string, caKeyPath: string, unitName: string): Promise<IssuedCertificate> {
  const [haveCertificate, haveKey] = await Promise.all([exists(caPath), exists(caKeyPath)]);
  if (haveCertificate && haveKey) {
    return { certificatePem: await readFile(caPath, 'utf8'), privateKeyPem: await readFile(caKeyPath, 'utf8') };
  }
  if (haveCertificate || haveKey) {
    throw new SignerError('development-pki-incomplete', `Only one of ${caPath} and ${caKeyPath} exists; restore the other or remove both.`);
  }
  const now = Date.now();
  const authority = createCertificateAuthority({
    subject: { commonName: `sohoa development CA (${unitName})`, organization: 'sohoa development, not for legal use', country: 'VN' },
    notBefore: new Date(now - CLOCK_SKEW_MS),
    notAfter: new Date(now + CA_VALIDITY_YEARS * YEAR_MS),
    keyBits: 3072,
  });
  await writePrivateFile(caKeyPath, authority.privateKeyPem);
  await writePrivateFile(caPath, authority.certificatePem);
  return authority;
}

export async function ensureDevelopmentPki(options: DevelopmentPkiOptions): Promise<DevelopmentPki> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(options.unitCode)) {
    throw new SignerError('bad-unit-code', `The unit code "${options.unitCode}" cannot name a file: use letters, digits, '.', '_' or '-'.`);
  }
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  await chmod(options.dir, 0o700);

  const result: DevelopmentPki = {
    caCertificatePath: path.join(options.dir, 'ca.pem'),
    unitP12Path: path.join(options.dir, `${options.unitCode}.p12`),
    unitPasswordPath: path.join(options.dir, `${options.unitCode}.password`),
  };
  const authority = await ensureAuthority(result.caCertificatePath, path.join(options.dir, 'ca-key.pem'), options.unitName);

  const [haveP12, havePassword] = await Promise.all([exists(result.unitP12Path), exists(result.unitPasswordPath)]);
  if (haveP12 && havePassword) return result;
  if (haveP12) {
    throw new SignerError('development-pki-incomplete', `${result.unitP12Path} exists without its password file ${result.unitPasswordPath}; restore it or remove the .p12.`);
  }

  const now = Date.now();
  const unit = issueCertificate(
    {
      subject: { commonName: options.unitName, organization: options.unitName, organizationalUnit: options.unitCode, country: 'VN' },
      notBefore: new Date(now - CLOCK_SKEW_MS),
      notAfter: new Date(now + UNIT_VALIDITY_YEARS * YEAR_MS),
      keyUsage: ['digitalSignature', 'nonRepudiation'],
    },
    authority,
  );
  // The password first (or the one left by an interrupted start): a .p12 without its password is useless.
  const password = havePassword ? (await readFile(result.unitPasswordPath, 'utf8')).trim() : randomPassword();
  if (!havePassword) await writePrivateFile(result.unitPasswordPath, password);
  await writePrivateFile(result.unitP12Path, toPkcs12(unit, [authority.certificatePem], password, options.unitName));
  return result;
}
