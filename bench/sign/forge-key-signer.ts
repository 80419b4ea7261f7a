/**
 * @signpdf with the PKCS#12 unlocked once, for the like-for-like "key kept" rows.
 *
 * @signpdf/signer-p12 3.x cannot do this itself: P12Signer keeps the .p12 as a forge byte buffer and
 * decodes it (MAC, PBKDF2, decryption) inside every sign(); decoding consumes that buffer, so a second
 * sign() on the same P12Signer fails ("Too few bytes to parse DER"). This signer decodes once when it is
 * made and then builds, per signature, the same node-forge PKCS#7 as P12Signer: SHA-256, the signed
 * attributes content-type, signing-time and message-digest in P12Signer's order, every certificate of
 * the file, detached.
 */
import forge from 'node-forge';
import { PDFDocument } from 'pdf-lib';
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { SignPdf, Signer } from '@signpdf/signpdf';
import type { P12Signer } from '@signpdf/signer-p12';

/** @signpdf as its README shows it: pdf-lib adds the placeholder and writes the file, SignPdf fills it. */
export async function signWithSignpdf(pdf: Uint8Array, signer: P12Signer | UnlockedKeySigner): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf);
  pdflibAddPlaceholder({ pdfDoc: doc, reason: 'bench', contactInfo: '', name: 'bench', location: 'bench' });
  return new SignPdf().sign(Buffer.from(await doc.save({ useObjectStreams: false })), signer);
}

export class UnlockedKeySigner extends Signer {
  private constructor(
    private readonly key: forge.pki.rsa.PrivateKey,
    private readonly certificate: forge.pki.Certificate,
    private readonly certificates: forge.pki.Certificate[],
  ) {
    super();
  }

  static fromPkcs12(p12: Uint8Array, passphrase: string): UnlockedKeySigner {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(p12).toString('binary')));
    const pfx = forge.pkcs12.pkcs12FromAsn1(asn1, false, passphrase);
    const shrouded = forge.pki.oids.pkcs8ShroudedKeyBag!;
    const key = pfx.getBags({ bagType: shrouded })[shrouded]?.[0]?.key as forge.pki.rsa.PrivateKey | undefined;
    const certBag = forge.pki.oids.certBag!;
    const certificates = (pfx.getBags({ bagType: certBag })[certBag] ?? []).flatMap((bag) => (bag.cert ? [bag.cert] : []));
    if (!key) throw new Error('the PKCS#12 holds no RSA key forge can read');
    // The certificate whose public key is the private key's, as P12Signer picks it.
    const certificate = certificates.find((candidate) => {
      const publicKey = candidate.publicKey as forge.pki.rsa.PublicKey;
      return publicKey.n.compareTo(key.n) === 0 && publicKey.e.compareTo(key.e) === 0;
    });
    if (!certificate) throw new Error('the PKCS#12 holds no certificate for its key');
    return new UnlockedKeySigner(key, certificate, certificates);
  }

  override async sign(pdfBuffer: Buffer, signingTime?: Date): Promise<Buffer> {
    const p7 = forge.pkcs7.createSignedData();
    p7.content = forge.util.createBuffer(pdfBuffer.toString('binary'));
    for (const certificate of this.certificates) p7.addCertificate(certificate);
    p7.addSigner({
      key: this.key,
      certificate: this.certificate,
      digestAlgorithm: forge.pki.oids.sha256!,
      authenticatedAttributes: [
        { type: forge.pki.oids.contentType!, value: forge.pki.oids.data },
        { type: forge.pki.oids.signingTime!, value: (signingTime ?? new Date()) as unknown as string },
        { type: forge.pki.oids.messageDigest! },
      ],
    });
    p7.sign({ detached: true });
    return Buffer.from(forge.asn1.toDer(p7.toAsn1()).getBytes(), 'binary');
  }
}
