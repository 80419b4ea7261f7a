/**
 * Scanner output formats: PNG, JPEG, multi-page TIFF and image-only PDF,
 * each carrying the scan resolution the way scanners record it.
 */
import sharp from 'sharp';
import { PDFDocument } from 'pdf-lib';
import { joinTiffPages } from './tiff-pages.ts';

export async function toPng(page: Buffer, dpi: number): Promise<Buffer> {
  return sharp(page).withDensity(dpi).png({ compressionLevel: 9 }).toBuffer();
}

export async function toJpeg(page: Buffer, dpi: number, quality = 75): Promise<Buffer> {
  return sharp(page).withDensity(dpi).jpeg({ quality, mozjpeg: true }).toBuffer();
}

/** One TIFF, one directory per page, JPEG-compressed like most office scanners' TIFFs. */
export async function toMultiPageTiff(pages: Buffer[], dpi: number, quality = 60): Promise<Buffer> {
  const perMm = dpi / 25.4;
  const singles = await Promise.all(
    pages.map((page) =>
      sharp(page).removeAlpha().tiff({ compression: 'jpeg', quality, xres: perMm, yres: perMm, resolutionUnit: 'inch' }).toBuffer(),
    ),
  );
  return joinTiffPages(singles);
}

/**
 * An image-only PDF as a scanner writes it: one JPEG per page drawn over
 * the whole page, the page size being the image size at the scan dpi.
 */
export async function toImagePdf(pages: Buffer[], dpi: number | readonly number[], quality = 60): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  pdf.setProducer('sohoa sample scanner');
  pdf.setCreator('samples/src/generate.ts');
  // Fixed dates keep the file byte-identical between runs.
  const fixed = new Date('2025-01-01T00:00:00Z');
  pdf.setCreationDate(fixed);
  pdf.setModificationDate(fixed);
  for (const [i, page] of pages.entries()) {
    // One resolution for the file, or one per page (a dossier scanned at mixed settings).
    const pageDpi = typeof dpi === 'number' ? dpi : dpi[i];
    const jpeg = await sharp(page).removeAlpha().jpeg({ quality, mozjpeg: true }).toBuffer();
    const image = await pdf.embedJpg(jpeg);
    const width = (image.width / pageDpi) * 72;
    const height = (image.height / pageDpi) * 72;
    pdf.addPage([width, height]).drawImage(image, { x: 0, y: 0, width, height });
  }
  return Buffer.from(await pdf.save({ useObjectStreams: false }));
}
