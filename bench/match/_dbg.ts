import { variantCorpus } from '@sohoa/samples';
import { matchDocument } from '@sohoa/matching';
import { CATALOG } from './corpus.ts';
import { candidatesFor, variantPages } from './variants.ts';
const part = (process.argv[2] ?? 'tuning') as 'tuning';
const docs = variantCorpus(part, Number(process.argv[3] ?? 10));
const want = process.argv[4];
docs.forEach((v, i) => {
  const pages = variantPages(v, `v${i}`, 0.08);
  const m = matchDocument(pages, candidatesFor(CATALOG, v.procedure));
  if (m.componentCode !== v.code && (!want || v.code === want)) {
    console.log('=====', v.code, m.componentCode, m.confidence.toFixed(2));
    console.log(pages[0].text.split('\n').slice(0, 8).join('\n'));
    console.log(m.explanation.join('\n'));
  }
});
