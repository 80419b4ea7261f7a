/**
 * Checks a B-T signature's time-stamp token: the token is an intact CMS
 * signed by a time-stamp authority that chains to a trust anchor and may
 * issue time-stamps, and it is over this signature's value. Its time then
 * replaces the signer's claimed /M as the time the certificate is judged at.
 */
import { createHash } from 'node:crypto';
import * as pkijs from 'pkijs';
import './crypto-engine.ts';
import { displayName } from './certificate.ts';
import { checkChain } from './chain.ts';
import { checkCms } from './cms-verify.ts';
import { tstInfoOf } from './timestamp.ts';
import { DIGEST_BY_OID } from './digests.ts';

export interface TimestampCheck {
  /** genTime of the token, when it could be read. */
  time: Date | null;
  authority: string;
  /** Intact, over this signature, from a trusted authority allowed to time-stamp. */
  valid: boolean;
  problems: string[];
}

const EXTENDED_KEY_USAGE = '2.5.29.37';
const TIME_STAMPING = '1.3.6.1.5.5.7.3.8';

/** RFC 3161 §2.3: the TSA certificate has exactly one extended key usage, timeStamping, marked critical. */
function mayTimestamp(certificate: pkijs.Certificate): boolean {
  const extension = certificate.extensions?.find((item) => item.extnID === EXTENDED_KEY_USAGE);
  if (!extension) return false;
  const usages = pkijs.ExtKeyUsage.fromBER(extension.extnValue.valueBlock.valueHexView as Uint8Array<ArrayBuffer>).keyPurposes;
  return usages.includes(TIME_STAMPING);
}

export async function checkTimestampToken(token: Uint8Array, signatureValue: Uint8Array, anchors: pkijs.Certificate[]): Promise<TimestampCheck> {
  const check: TimestampCheck = { time: null, authority: 'unknown', valid: false, problems: [] };
  let contentInfo: pkijs.ContentInfo;
  let info: pkijs.TSTInfo;
  let content: Uint8Array;
  try {
    contentInfo = pkijs.ContentInfo.fromBER(token as Uint8Array<ArrayBuffer>);
    const signedData = new pkijs.SignedData({ schema: contentInfo.content });
    content = new Uint8Array(signedData.encapContentInfo.eContent!.getValue());
    info = tstInfoOf(contentInfo);
  } catch {
    check.problems.push('the time-stamp token could not be read');
    return check;
  }
  check.time = info.genTime;

  const cms = checkCms(token, [content], { pades: false });
  check.problems.push(...cms.problems.map((problem) => `time-stamp: ${problem}`));
  const digestName = DIGEST_BY_OID[info.messageImprint.hashAlgorithm.algorithmId];
  const imprintMatches =
    digestName !== undefined &&
    createHash(digestName).update(signatureValue).digest().equals(Buffer.from(info.messageImprint.hashedMessage.valueBlock.valueHexView));
  if (!imprintMatches) check.problems.push('the time-stamp is not over this signature (its message imprint differs)');
  if (!cms.signerCertificate) return check;
  check.authority = displayName(cms.signerCertificate);

  const intermediates = cms.certificates.filter((certificate) => certificate !== cms.signerCertificate);
  const chain = await checkChain(cms.signerCertificate, intermediates, anchors, info.genTime);
  check.problems.push(...chain.problems.map((problem) => `time-stamp authority: ${problem.replace("the signer's", "the time-stamp authority's")}`));
  const allowed = mayTimestamp(cms.signerCertificate);
  if (!allowed) check.problems.push(`the certificate of ${check.authority} is not allowed to issue time-stamps (no timeStamping extended key usage)`);
  check.valid = cms.digestMatches && cms.signatureValid && imprintMatches && chain.trusted && chain.validAtTime && allowed;
  return check;
}
