/** Words for a verification report, as `sohoa verify` prints them. */
import type { SignatureCheck, VerificationReport } from './verify.ts';

function yesNo(value: boolean, yes: string, no: string): string {
  return value ? yes : no;
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
  ];
  for (const problem of check.problems) lines.push(`  problem: ${problem}`);
  return lines;
}

export function formatReport(report: VerificationReport): string {
  const count = report.signatures.length;
  const headline = report.valid
    ? `VALID: ${count} signature${count === 1 ? '' : 's'}, all intact and trusted.`
    : count === 0
      ? 'NOT VALID: the document has no valid signature.'
      : 'NOT VALID: see the problems below.';
  const lines = [headline, ...report.signatures.flatMap(signatureLines)];
  const documentProblems = report.problems.filter((problem) => !report.signatures.some((check) => problem.startsWith(`${check.field}: `)));
  for (const problem of documentProblems) lines.push(`problem: ${problem}`);
  return `${lines.join('\n')}\n`;
}
