/**
 * Matching benchmark: generated scanner batches → real cleanup + OCR (@sohoa/ocr) + code reading →
 * documentsFromPages (batch.split's own decision: split, match, fields), scored against the generator's truth.
 *
 *   npm run bench:match                 # full corpus (≥ 60 documents), writes bench/results/match.md
 *   npm run bench:match -- --quick      # a small corpus, a minute or two
 *   npm run bench:match -- --truth      # skip OCR: match the printed text (checks the matcher alone)
 *   npm run bench:match -- --reuse      # reuse OCR output cached in the temp dir by an earlier run
 *   options: --seed N --batches N --out FILE --per-code N (variant corpus size) --slips R (OCR slip rate on its text)
 *
 * Two corpora: the old one (catalog names as titles, real OCR unless --truth) and the variant corpus of
 * samples/src/variants.ts (titles as counters see them; tuning part chooses the threshold, held-out part verifies it).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  candidatesFromCatalog, documentsFromPages, dossierCodeOf, learnedPhrasesFrom, REVIEW_THRESHOLD, type LearnedPhrase, type PageText,
} from '@sohoa/matching';
import { decodeCodes } from '@sohoa/ocr';
import { CATALOG, generateCorpus, type BenchBatch } from './corpus.ts';
import { variantReport } from './variant-report.ts';
import { counts, f1, fieldTally, matchTally, precision, recall, scoreSplit, tallyFields, tallyMatch, truthFor, type Counts, type FieldTally, type MatchTally } from './score.ts';

interface Args {
  quick: boolean;
  truth: boolean;
  reuse: boolean;
  seed: number;
  batches: number;
  out: string;
  /** Variant corpus: papers per catalog code and part, share of words with an OCR slip. */
  perCode: number;
  slips: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, truth: false, reuse: false, seed: 20251122, batches: 24, out: fileURLToPath(new URL('../results/match.md', import.meta.url)), perCode: 30, slips: 0.08 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') (args.quick = true), (args.batches = 6), (args.perCode = 4);
    else if (a === '--per-code') args.perCode = Number(argv[++i]);
    else if (a === '--slips') args.slips = Number(argv[++i]);
    else if (a === '--truth') args.truth = true;
    else if (a === '--reuse') args.reuse = true;
    else if (a === '--seed') args.seed = Number(argv[++i]);
    else if (a === '--batches') args.batches = Number(argv[++i]);
    else if (a === '--out') args.out = argv[++i];
    else throw new Error(`unknown argument ${a}`);
  }
  return args;
}

/** Ground-truth text as a PageText (for --truth): one word box per word, lines down the page. */
function truthPage(id: string, text: string, blank: boolean): PageText {
  const words: PageText['words'] = [];
  text.split('\n').filter(Boolean).forEach((line, n) => {
    let x = 240;
    const y = 140 + n * 56;
    const upper = line === line.toUpperCase() && /\p{Lu}/u.test(line);
    const size = upper ? 42 : 35;
    for (const w of line.split(' ').filter(Boolean)) {
      words.push({ text: w, confidence: 95, box: { x0: x, y0: y, x1: x + w.length * 20, y1: y + size }, line: n });
      x += w.length * 20 + 10;
    }
  });
  return { pageId: id, blank, width: 1654, height: 2339, text, words, codes: [] };
}

async function readPages(batches: BenchBatch[], args: Args, cacheDir: string): Promise<{ pages: Map<string, PageText>; seconds: number; pageCount: number; load?: number }> {
  const pages = new Map<string, PageText>();
  const all = batches.flatMap((b) => b.pages);
  const cacheFile = join(cacheDir, `${args.truth ? 'truth' : 'ocr'}-${args.seed}-${args.batches}.json`);
  if (args.reuse) {
    try {
      const cached = JSON.parse(await readFile(cacheFile, 'utf8')) as { pages: PageText[]; seconds: number; load?: number };
      for (const p of cached.pages) pages.set(p.pageId, p);
      console.log(`reused OCR of ${pages.size} pages from ${cacheFile}`);
      return { pages, seconds: cached.seconds, pageCount: pages.size, load: cached.load };
    } catch {
      console.log('no OCR cache, running OCR');
    }
  }
  const started = Date.now();
  if (args.truth) {
    for (const { id, page } of all) {
      const codes = page.role === 'receipt' || page.role === 'separator' ? await decodeCodes(page.png) : [];
      pages.set(id, { ...truthPage(id, page.text, page.role === 'blank' || page.role === 'separator'), codes });
    }
  } else {
    const { createOcrEngine } = await import('@sohoa/ocr');
    const engine = await createOcrEngine({ workers: Math.max(1, Math.min(2, os.availableParallelism())) });
    let done = 0;
    try {
      await Promise.all(
        all.map(async ({ id, page }) => {
          const processed = await engine.processPage(page.png, { dpi: page.truth.dpi });
          const codes = await decodeCodes(processed.image);
          pages.set(id, { pageId: id, blank: processed.blank, width: processed.width, height: processed.height, text: processed.text, words: processed.words, codes });
          if (++done % 10 === 0) console.log(`  OCR ${done}/${all.length} pages, ${((Date.now() - started) / 1000).toFixed(0)} s`);
        }),
      );
    } finally {
      await engine.close();
    }
  }
  const seconds = (Date.now() - started) / 1000;
  // The machine is shared: how loaded it was while reading says how far pages/min is from an idle machine's.
  const load = os.loadavg()[0];
  await writeFile(cacheFile, JSON.stringify({ seconds, load, pages: [...pages.values()] }));
  return { pages, seconds, pageCount: all.length, load };
}

interface Run {
  name: string;
  match: MatchTally;
  components: MatchTally;
}

function evaluate(batches: BenchBatch[], pages: Map<string, PageText>, learning: boolean, split: Counts, fields: FieldTally | null, extra: { qr: [number, number]; dossier: [number, number]; separators: Counts; blanks: Counts }): Run {
  const run: Run = { name: learning ? 'with clerk confirmations learned (online)' : 'cold (nothing learned)', match: matchTally(), components: matchTally() };
  const learned = new Map<string, LearnedPhrase>();
  for (const batch of batches) {
    const batchPages = batch.pages.map((p) => pages.get(p.id)!);
    // What batch.split does with a batch received without a procedure: the receipt's code may tell it.
    const result = documentsFromPages(batchPages, {
      candidates: candidatesFromCatalog(CATALOG, null, { results: true }),
      procedureCode: dossierCodeOf(batchPages)?.procedureCode ?? null,
      learned: [...learned.values()],
    });
    if (!learning) {
      scoreSplit(batch, result, split);
      for (const id of batch.codePageIds) {
        extra.qr[1]++;
        if (pages.get(id)!.codes.some((c) => c.text.includes(batch.dossierCode!))) extra.qr[0]++;
      }
      if (batch.dossierCode) {
        extra.dossier[1]++;
        if (result.dossier?.dossierCode === batch.dossierCode) extra.dossier[0]++;
      }
      const truthSeparators = new Set(batch.pages.filter((p) => p.page.role === 'separator').map((p) => p.id));
      const truthBlanks = new Set(batch.pages.filter((p) => p.page.role === 'blank').map((p) => p.id));
      for (const id of result.separatorPageIds) (truthSeparators.has(id) ? extra.separators.tp++ : extra.separators.fp++);
      for (const id of truthSeparators) if (!result.separatorPageIds.includes(id)) extra.separators.fn++;
      for (const id of result.blankPageIds) (truthBlanks.has(id) ? extra.blanks.tp++ : extra.blanks.fp++);
      for (const id of truthBlanks) if (!result.blankPageIds.includes(id)) extra.blanks.fn++;
    }
    const documents = result.documents.filter((d) => d.kind !== 'receipt');
    const pagesOf = (pageIds: string[]): PageText[] => pageIds.map((id) => pages.get(id)!);
    for (const doc of documents) {
      const truth = truthFor(batch, doc.pageIds);
      if (!truth || truth.kind === 'receipt') continue;
      const docPages = pagesOf(doc.pageIds);
      tallyMatch(run.match, truth, doc, `${batch.id}[${doc.pageIds.join(',')}]${result.dossier?.procedureCode ? '' : ' (procedure unknown)'}`);
      if (truth.kind === 'component') tallyMatch(run.components, truth, doc, batch.id);
      if (fields) tallyFields(fields, truth, docPages.map((p) => p.text).join('\n'));
      if (learning) {
        // The clerk confirms or corrects every document; what that teaches is kept for the unit.
        for (const phrase of learnedPhrasesFrom(docPages, truth.procedure, truth.code)) {
          const key = `${phrase.procedureCode}|${phrase.componentCode}|${phrase.phrase}`;
          const known = learned.get(key);
          learned.set(key, { ...phrase, weight: (known?.weight ?? 0) + phrase.weight });
        }
      }
    }
  }
  return run;
}

/**
 * Until a corpus with real-world titles replaces this one, matching a generated document mostly means
 * finding its title, which is the catalog name: the accuracy and review measures are partly circular.
 */
const CIRCULAR_CORPUS = [
  '> **Partly circular.** The generated corpus prints each catalog component\'s name as the document\'s title, and the',
  '> matcher compares titles with those same catalog names. Accuracy and the share sent to review therefore say little',
  '> about real forms, whose titles vary by edition and unit; they are reported, but not judged against the targets,',
  '> until a corpus with real titles replaces this one. Titles are also one of the signals that start a document when',
  '> splitting (with the national motto, separator sheets and codes). **The variant corpus at the end is not circular**:',
  '> its papers carry the titles counters see, and the matching goals are judged there.',
];

/**
 * The split is judged: every generated paper but the design drawings opens with the national motto, which starts a
 * document whatever its title. The drawings carry no motto, so their start is found by a title that is a catalog name.
 */
const SPLIT_CAVEAT = 'partly circular: the design drawings (XD-BV) carry no national motto and start by their catalog-name title';

const pct = (n: number, d: number): string => (d ? `${((100 * n) / d).toFixed(1)}%` : '—');
const num = (x: number): string => x.toFixed(3);

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  console.log(CIRCULAR_CORPUS.join('\n'));
  const cacheDir = join(os.tmpdir(), 'sohoa-bench-match');
  await mkdir(cacheDir, { recursive: true });
  console.log(`generating corpus (seed ${args.seed}, ${args.batches} batches + results batches)…`);
  const t0 = Date.now();
  const corpusCache = join(cacheDir, `corpus-${args.seed}-${args.batches}.json`);
  let batches: BenchBatch[];
  if (args.reuse) {
    try {
      // Page images are not cached: --reuse needs the OCR cache as well.
      batches = JSON.parse(await readFile(corpusCache, 'utf8')) as BenchBatch[];
      console.log(`  reused corpus truth from ${corpusCache}`);
    } catch {
      batches = await generateCorpus(args.seed, args.batches);
    }
  } else {
    batches = await generateCorpus(args.seed, args.batches);
  }
  await writeFile(corpusCache, JSON.stringify(batches, (k, v) => (k === 'png' ? undefined : v)));
  const truthDocs = batches.flatMap((b) => b.documents.filter((d) => d.kind !== 'receipt'));
  const totalPages = batches.reduce((n, b) => n + b.pages.length, 0);
  console.log(`  ${batches.length} batches, ${truthDocs.length} documents, ${totalPages} pages in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  const covered = new Set(truthDocs.map((d) => d.code));
  const missingCodes = CATALOG.procedures.flatMap((p) => p.components.map((c) => c.code)).filter((c) => !covered.has(c));
  if (missingCodes.length) console.warn(`  components not covered: ${missingCodes.join(', ')}`);

  console.log(args.truth ? 'reading printed text (no OCR)…' : 'cleanup + OCR + code reading…');
  const { pages, seconds, pageCount, load } = await readPages(batches, args, cacheDir);

  const split = counts();
  const fields = fieldTally();
  const extra = { qr: [0, 0] as [number, number], dossier: [0, 0] as [number, number], separators: counts(), blanks: counts() };
  const cold = evaluate(batches, pages, false, split, fields, extra);
  const warm = evaluate(batches, pages, true, counts(), null, { qr: [0, 0], dossier: [0, 0], separators: counts(), blanks: counts() });

  const row = (r: Run, t: MatchTally, label: string): string =>
    `| ${r.name}, ${label} | ${t.documents} | ${pct(t.correct, t.documents)} | ${pct(t.assignedCorrect, t.assigned)} (${t.assigned}) | ${pct(t.review, t.documents)} |`;
  const target = (ok: boolean): string => (ok ? 'met' : '**not met**');
  const circular = 'not judged (circular corpus)';
  const lines = [
    '# Matching benchmark (`npm run bench:match`)',
    '',
    ...CIRCULAR_CORPUS,
    '',
    `Seed ${args.seed}; ${batches.length} shuffled scanner batches, ${truthDocs.length} documents (${[...covered].length} catalog codes: all ${CATALOG.procedures.reduce((n, p) => n + p.components.length, 0)} components${[...covered].some((c) => c.endsWith('-KQ')) ? ' and the results' : ''}), ${pageCount} pages;`,
    `text from ${args.truth ? 'the printed ground truth (--truth: OCR skipped)' : 'the real cleanup + tesseract OCR of @sohoa/ocr'}; codes read with zxing-wasm from ${args.truth ? 'the generated page' : 'the cleaned page image'}.`,
    `Review threshold ${REVIEW_THRESHOLD}. Generated ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} cores.`,
    '',
    '## Totals against the issue\'s targets',
    '',
    '| measure | value | target |',
    '|---|---|---|',
    `| top-1 component accuracy (all documents) | ${pct(cold.match.correct, cold.match.documents)} | — |`,
    `| accuracy of documents assigned without review | ${pct(cold.match.assignedCorrect, cold.match.assigned)} (${cold.match.assigned} documents) | ≥ 99%: ${circular} |`,
    `| share sent to review | ${pct(cold.match.review, cold.match.documents)} | ≤ 10%: ${circular} |`,
    `| split F1 (document boundaries) | ${num(f1(split))} (P ${num(precision(split))}, R ${num(recall(split))}) | ≥ 0.98 ${target(f1(split) >= 0.98)}, ${SPLIT_CAVEAT} |`,
    `| with learned confirmations: assigned accuracy / review share | ${pct(warm.match.assignedCorrect, warm.match.assigned)} / ${pct(warm.match.review, warm.match.documents)} | — |`,
    '',
    '## Matching',
    '',
    '| run | documents | top-1 | accuracy when assigned (n) | sent to review |',
    '|---|---|---|---|---|',
    row(cold, cold.match, 'all'),
    row(cold, cold.components, 'components only'),
    row(warm, warm.match, 'all'),
    row(warm, warm.components, 'components only'),
    '',
    'Confidence calibration (cold run): bucket → documents, share correct.',
    '',
    '| confidence | documents | correct |',
    '|---|---|---|',
    ...[...cold.match.calibration.entries()].sort().map(([k, [n, ok]]) => `| ${k} | ${n} | ${pct(ok, n)} |`),
    '',
    '## Splitting and codes',
    '',
    '| measure | value |',
    '|---|---|',
    `| boundaries: precision / recall / F1 | ${num(precision(split))} / ${num(recall(split))} / ${num(f1(split))} |`,
    `| separator sheets found: P / R | ${num(precision(extra.separators))} / ${num(recall(extra.separators))} (${extra.separators.tp + extra.separators.fn} sheets) |`,
    `| blank back sides dropped: P / R | ${num(precision(extra.blanks))} / ${num(recall(extra.blanks))} (${extra.blanks.tp + extra.blanks.fn} pages) |`,
    `| pages with a code whose dossier code was read | ${extra.qr[0]}/${extra.qr[1]} (${pct(extra.qr[0], extra.qr[1])}) |`,
    `| batches whose dossier code documentsFromPages set right | ${extra.dossier[0]}/${extra.dossier[1]} |`,
    '',
    '## Field extraction (on OCR text, against the generator\'s values)',
    '',
    '| field | precision | recall | found / expected |',
    '|---|---|---|---|',
    ...(['identifiers', 'names', 'dates', 'documentNumber'] as const).map((k) => `| ${k} | ${num(precision(fields[k]))} | ${num(recall(fields[k]))} | ${fields[k].tp + fields[k].fp} / ${fields[k].tp + fields[k].fn} |`),
    '',
    '## Speed',
    '',
    `${pageCount} pages in ${seconds.toFixed(0)} s: ${((pageCount / seconds) * 60).toFixed(1)} pages/min (cleanup + OCR + code reading${args.truth ? ', OCR skipped' : ', 2 tesseract workers'}); ${load === undefined ? 'load average not recorded (OCR output reused from an older run)' : `1-minute load average ${load.toFixed(1)} on ${os.cpus().length} cores when reading ended`}.`,
    '',
    '## Reading these numbers',
    '',
    '- The corpus is synthetic: most templates print the catalog name as their title, so cold matching is easier than on',
    '  real forms whose titles vary by edition and unit (the variant corpus below has those). CT-BC (the original paper',
    '  brought for a certified copy, titled "GIẤY KHAI SINH", "BẰNG TỐT NGHIỆP …") has no catalog text that names it: in a',
    '  dossier whose procedure is known to be the certification, a paper that is none of its other entries is taken for',
    '  the original; with the procedure unknown (a barcode-only separator) it waits for the clerk, and the "learned" rows',
    '  replay the clerk confirming every document in scan order and show the next such papers assigned.',
    '- Results (-KQ) are matched against their procedure\'s components and results; a certified copy (CT-KQ) carries the',
    '  copied paper\'s title and is recognised by the certification stamp text ("chứng thực bản sao đúng với bản chính").',
    '- Field misses are OCR slips on labels or digits (a truncated year, a garbled "Họ và tên"); precision stays at or near',
    '  1 because values are only taken after known labels and shapes. A fuzzier label match would raise recall.',
    '- Pages/min is for the whole path on this shared 2-core machine (other jobs may run at the same time).',
    '',
    '## Misses and reviews (cold run)',
    '',
    ...(cold.match.misses.length ? cold.match.misses.map((m) => `- ${m}`) : ['none']),
    '',
  ];
  console.log(`variant corpus (${args.perCode} per code and part)…`);
  const variants = variantReport({ perCode: args.perCode, slipRate: args.slips });
  lines.push(...variants.lines);
  const report = lines.join('\n');
  await mkdir(join(args.out, '..'), { recursive: true });
  await writeFile(args.out, report);
  console.log(report);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
