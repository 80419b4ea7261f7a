import fs from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '@sohoa/shared';
import { formatReport, loadTrustMaterial, verifyPdf } from '@sohoa/signer';

export interface VerifyCommandOptions {
  /** CA certificates given with --trust (repeatable). */
  trust: string[];
  /** Folders given with --trust-dir: every .pem/.crt/.cer is an anchor, every .crl is read for revocation. */
  trustDirs: string[];
  /** --soft-fail: accept an unknown revocation status, as REVOCATION_SOFT_FAIL=on does. */
  softFail?: boolean;
}

/**
 * `sohoa verify`: exit 0 only when every signature is intact, chains to a trusted CA and is known not revoked
 * (or its revocation could not be checked and soft-fail is on: REVOCATION_SOFT_FAIL=on or --soft-fail).
 * Without --trust or --trust-dir it trusts what the server trusts: the configured
 * TRUST_ANCHORS_DIR (with its CRLs) and the development CA of the embedded default.
 * Given either, only what was given counts, so a record can be checked against one CA alone.
 */
export async function runVerify(file: string, options: VerifyCommandOptions): Promise<number> {
  const config = loadConfig();
  for (const given of [...options.trust, ...options.trustDirs]) {
    await fs.access(given).catch(() => {
      throw new Error(`cannot read ${given}`);
    });
  }
  const explicit = options.trust.length > 0 || options.trustDirs.length > 0;
  const material = explicit
    ? await loadTrustMaterial({ trustAnchorsDir: options.trustDirs, extraAnchorFiles: options.trust })
    : await loadTrustMaterial({ trustAnchorsDir: config.signing.trustAnchorsDir, extraAnchorFiles: [path.join(config.pkiDir, 'ca.pem')] });

  const report = await verifyPdf(await fs.readFile(file), {
    trustAnchorsPem: material.trustAnchorsPem,
    revocation: {
      crls: material.crls,
      online: config.signing.fetchRevocation,
      ocspUrl: config.signing.ocspUrl,
      fetchTimeoutMs: config.signing.outbound.timeoutMs,
      outbound: config.signing.outbound,
    },
    revocationSoftFail: options.softFail === true || config.signing.revocationSoftFail,
  });
  console.log(`${file}`);
  console.log(formatReport(report));
  const crls = material.crlFiles.length ? `; CRLs: ${material.crlFiles.join(', ')}` : '';
  if (material.anchorFiles.length) console.log(`trusted: ${material.anchorFiles.join(', ')}${crls}`);
  else console.log('no trust anchor given (--trust CA.pem or --trust-dir DIR): no signature can be trusted');
  return report.valid ? 0 : 1;
}
