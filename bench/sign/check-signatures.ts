/**
 * Checks the signatures the benchmark made, after the timing: sohoa's own verifier on every one (byte
 * range, SHA-256 over it, CMS signature value, chain to the development CA), OpenSSL as a second opinion
 * on some, and a tampered copy that must be refused, so a verifier that says yes to anything is caught.
 * It reads @signpdf's adbe.pkcs7.detached as well as sohoa's ETSI.CAdES.detached: integrity does not
 * depend on the PAdES attribute rules, which the peer's profile does not follow and are not counted here.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { verifyPdf } from '@sohoa/signer';

/** Intact, made by a certificate of the trusted CA, and nothing appended after it. */
export async function signatureHolds(pdf: Uint8Array, caPem: string): Promise<{ holds: boolean; why: string }> {
  const report = await verifyPdf(pdf, { trustAnchorsPem: [caPem] });
  const last = report.signatures.at(-1);
  if (!last) return { holds: false, why: report.problems.join('; ') || 'no signature found' };
  const holds = last.integrity && last.coversWholeDocument && last.chainTrusted;
  return { holds, why: holds ? '' : last.problems.join('; ') };
}

/** The same PDF with one byte changed inside the signed range but outside anything a parser reads. */
export function tampered(pdf: Uint8Array): Uint8Array {
  // pdf-lib writes "%PDF-1.7\n%" and then four binary bytes: a comment, so the file still parses.
  const comment = Buffer.from(pdf.subarray(0, 10)).toString('latin1');
  if (!/^%PDF-\d\.\d\r?\n%$/.test(comment)) throw new Error(`unexpected PDF header ${JSON.stringify(comment)}`);
  const copy = new Uint8Array(pdf);
  copy[10] = copy[10]! ^ 0x01;
  return copy;
}

/** The last signature's byte range and /Contents, read from the bytes as any PDF reader finds them. */
function lastSignature(pdf: Uint8Array): { signed: Buffer; cms: Buffer } {
  const bytes = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  const at = bytes.lastIndexOf('/ByteRange');
  const match = /^\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(bytes.subarray(at, at + 120).toString('latin1'));
  if (at < 0 || !match) throw new Error('no /ByteRange found');
  const [start, length, secondStart, secondLength] = match.slice(1).map(Number) as [number, number, number, number];
  const hex = bytes.subarray(start + length + 1, secondStart - 1).toString('latin1');
  return {
    signed: Buffer.concat([bytes.subarray(start, start + length), bytes.subarray(secondStart, secondStart + secondLength)]),
    // /Contents is zero-padded; OpenSSL reads the DER up to its own length and ignores the rest.
    cms: Buffer.from(hex, 'hex'),
  };
}

/** `openssl cms -verify` on the signed bytes: digest and signature value, certificate chain not checked. */
export async function opensslAgrees(pdf: Uint8Array): Promise<boolean> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sohoa-bench-sign-'));
  try {
    const { signed, cms } = lastSignature(pdf);
    await writeFile(path.join(dir, 'signed.bin'), signed);
    await writeFile(path.join(dir, 'signature.der'), cms);
    execFileSync('openssl', ['cms', '-verify', '-binary', '-noverify', '-inform', 'DER', '-in', 'signature.der', '-content', 'signed.bin', '-out', '/dev/null'], {
      cwd: dir,
      stdio: 'pipe',
    });
    return true;
  } catch {
    return false;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
