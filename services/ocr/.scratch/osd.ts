import sharp from 'sharp';
import { renderPage, rotatePage, SAMPLE_LINES, characterErrorRate } from '../src/testing/render.ts';
import { TesseractPool } from '../src/tesseract/worker-pool.ts';
const pool = new TesseractPool({ workers: 1 });
let t = Date.now();
await pool.start();
console.log('start', Date.now() - t);
const page = await renderPage({ lines: SAMPLE_LINES });
await sharp(page).toFile('/tmp/page.png');
for (const deg of [0, 90, 180, 270]) {
  const img = await rotatePage(page, deg);
  const small = await sharp(img).resize(1000, 1000, { fit: 'inside' }).greyscale().png().toBuffer();
  t = Date.now();
  const d = await pool.run((s) => s.detect(small));
  console.log(deg, d, Date.now() - t);
}
t = Date.now();
const r = await pool.run((s) => s.recognize(page));
console.log('rec', Date.now() - t, r.confidence, characterErrorRate(r.text, SAMPLE_LINES.join('\n')));
console.log(r.text);
await pool.close();
