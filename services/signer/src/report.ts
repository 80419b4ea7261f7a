/** Words for a verification report, as `sohoa verify` prints them. */
import type { SignatureCheck, VerificationReport } from './verify.ts';

function yesNo(value: boolean, yes: string, no: string): string {
  return value ? yes : no;
}

function timestampLine(check: SignatureCheck): string {
  const stamp = check.timestamp;
  if (!stamp) return 'none (baseline B-B: the signing time is as stated by the signer)';
  const when = stamp.time ? stamp.time.toISOString() : 'unknown time';
  return stamp.valid ? `valid, ${when} by ${stamp.authority}` : `FAILED (${when}, ${stamp.authority})`;
}

function revocationLine(check: SignatureCheck): string {
  const { status, source, revokedAt } = check.revocation;
  if (status === 'good') return `not revoked (${source})`;
  if (status === 'revoked') return `REVOKED on ${revokedAt?.toISOString()} (${source})`;
  if (status === 'not-offered') return `none offered by the issuing authority (${source})`;
  return `UNKNOWN, not checked: ${source}`;
}

function signatureLines(check: SignatureCheck, index: number): string[] {
  const lines = [
    `Signature ${index + 1} (field ${check.field})`,
    `  signer: ${check.signer}`,
    `  signing time: ${check.signingTime ? `${check.signingTime.toISOString()} (as stated by the signer)` : 'not stated'}`,
    `  type: ${check.subFilter}`,
    `  integrity: ${yesNo(check.integrity, 'intact', 'FAILED')}`,
    `  certificate chain: ${yesNo(check.chainTrusted, 'trusted', 'NOT TRUSTED')}`,
    `  certificate valid at signing time: ${yesNo(check.validAtSigningTime, 'yes', 'NO')}`,
    `  covers the whole document: ${yesNo(check.coversWholeDocument, 'yes', 'no')}`,
    `  time-stamp: ${timestampLine(check)}`,
    `  revocation: ${revocationLine(check)}`,
  ];
  for (const note of check.revocation.notes ?? []) lines.push(`  revocation note: ${note}`);
  for (const problem of check.problems) lines.push(`  problem: ${problem}`);
  for (const note of check.notes) lines.push(`  note: ${note}`);
  return lines;
}

function headline(report: VerificationReport, unchecked: number): string {
  const count = report.signatures.length;
  const signatures = `${count} signature${count === 1 ? '' : 's'}`;
  if (report.valid && unchecked > 0) {
    return `VALID ONLY BY SOFT-FAIL: ${signatures}, all intact and trusted, but revocation was NOT checked for ${unchecked} of them (REVOCATION_SOFT_FAIL is on).`;
  }
  if (report.valid) return `VALID: ${signatures}, all intact and trusted.`;
  return count === 0 ? 'NOT VALID: the document has no valid signature.' : 'NOT VALID: see the problems below.';
}

export function formatReport(report: VerificationReport): string {
  const unchecked = report.signatures.filter((check) => check.revocation.status === 'unknown').length;
  const lines = [headline(report, unchecked), ...report.signatures.flatMap(signatureLines)];
  const documentProblems = report.problems.filter((problem) => !report.signatures.some((check) => problem.startsWith(`${check.field}: `)));
  for (const problem of documentProblems) lines.push(`problem: ${problem}`);
  if (!report.valid && unchecked > 0) {
    lines.push('revocation could not be checked: REVOCATION_SOFT_FAIL=on (sohoa verify --soft-fail) accepts that, and still reports it');
  }
  return `${lines.join('\n')}\n`;
}
