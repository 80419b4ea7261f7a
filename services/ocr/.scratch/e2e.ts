import sharp from 'sharp';
import { renderPage, rotatePage, SAMPLE_LINES, characterErrorRate } from '../src/testing/render.ts';
import { createOcrEngine } from '../src/ocr.service.ts';
const engine = await createOcrEngine({ workers: 2 });
const page = await renderPage({ lines: SAMPLE_LINES });
const cases: [number, number][] = [[0, 0], [90, 0], [180, 3.7], [270, -6.2], [0, 3.7]];
for (const [rot, skew] of cases) {
  const img = await rotatePage(await rotatePage(page, skew), rot);
  const t = Date.now();
  const r = await engine.processPage(img);
  console.log(rot, skew, '->', r.rotation, r.skewDegrees, r.width, r.height, r.dpi, r.confidence.toFixed(1), 'cer', characterErrorRate(r.text, SAMPLE_LINES.join('\n')).toFixed(4), Date.now() - t, 'ms');
}
await engine.close();
