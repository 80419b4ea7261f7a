import { loadTrustMaterial, verifyPdf } from '@sohoa/signer';
import type { SignatureChecker } from './fixity.service.ts';

export interface SignatureCheckerSettings {
  trustAnchorsDir: string;
  /** e.g. the development CA of the embedded default. */
  extraAnchorFiles: string[];
}

/**
 * The signature check of a fixity run: verifyPdf as GET /records/:id/verify calls it, but offline (only the CRLs of
 * the trust folder answer): a nightly walk over every record must not ask the CA's responders once per record,
 * and what fixity judges is whether each signature still covers its bytes. The trust material is read once per run.
 */
export async function signatureChecker(settings: SignatureCheckerSettings): Promise<SignatureChecker> {
  const { trustAnchorsPem, crls } = await loadTrustMaterial({ trustAnchorsDir: settings.trustAnchorsDir, extraAnchorFiles: settings.extraAnchorFiles });
  return async (pdf) => {
    const report = await verifyPdf(pdf, { trustAnchorsPem, revocation: { crls, online: false }, revocationSoftFail: true });
    return {
      checked: true,
      signatures: report.signatures.length,
      broken: report.signatures.filter((s) => !s.integrity).map((s) => s.field),
      valid: report.valid,
      problems: report.problems,
    };
  };
}
