import fs from 'node:fs/promises';
import path from 'node:path';
import { formatReport, verifyPdf } from '@sohoa/signer';

/** `sohoa verify`: exit 0 only when every signature is intact and chains to a trusted CA. */
export async function runVerify(file: string, trustFiles: string[]): Promise<number> {
  const anchors = trustFiles.length ? trustFiles : await defaultAnchors();
  const trustAnchorsPem = await Promise.all(anchors.map((f) => fs.readFile(f, 'utf8')));
  const report = await verifyPdf(await fs.readFile(file), { trustAnchorsPem });
  console.log(`${file}`);
  console.log(formatReport(report));
  if (!anchors.length) console.log('no trust anchor given (--trust CA.pem): no signature can be trusted');
  return report.valid ? 0 : 1;
}

/** The embedded default's development CA, when there is one. */
async function defaultAnchors(): Promise<string[]> {
  const ca = path.join(process.env.DATA_DIR ?? 'data', 'pki', 'ca.pem');
  return fs.access(ca).then(
    () => [ca],
    () => [],
  );
}
