/**
 * Every job is sent in the transaction that writes the rows needing it (issue 8, "Enqueue in the same
 * transaction"): each `queue.send(<job>, payload, { tx })` in the production code. The few sends without one are
 * listed here with the reason none is needed; a new send without a transaction fails this spec until it is either
 * given one or listed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { jobNames } from '@sohoa/shared';
import { productionFiles } from './helpers/table-writers.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

/** file → job → why it is sent outside a transaction. */
const WITHOUT_TRANSACTION: Record<string, Record<string, string>> = {
  'services/matching/src/jobs/split.job.ts': {
    'document.build': 'a retried split of a batch already split: the builds were sent with the split, sent again (harmless)',
  },
  'services/ocr/src/jobs/document.job.ts': {
    'document.sign': 'a retried build of a document already built: the signing was sent with markBuilt, sent again (harmless)',
  },
  'services/signer/src/jobs/sign.job.ts': {
    'record.archive': 'a retried signing of a document already signed: the archiving was sent with markSigned, sent again (harmless)',
  },
  'services/archive-api/src/fixity/fixity.job.ts': {
    'fixity.run': 'the next slice of a run; each record was saved with the cursor already, and the job completes only after the send, so a crash before it retries the job',
  },
  'services/archive-api/src/ltv/ltv.service.ts': {
    'record.extend': 'the cron tick writes no row: the records due are read again at the next tick',
  },
};

interface Send { file: string; line: number; job: string; inTransaction: boolean }

export function sendsOf(file: string, source: string): Send[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: Send[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'send') {
      const [name, , options] = node.arguments;
      if (name && ts.isStringLiteralLike(name) && (jobNames as readonly string[]).includes(name.text)) {
        const inTransaction = !!options && ts.isObjectLiteralExpression(options) && options.properties.some((p) => p.name && ts.isIdentifier(p.name) && p.name.text === 'tx');
        found.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1, job: name.text, inTransaction });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

describe('jobs are sent in the transaction that needs them', () => {
  it('tells a send in a transaction from one without', () => {
    const sends = sendsOf('a.ts', "await q.send('ocr.page', { pageId }, { tx });\nawait deps.queue.send('batch.split', { batchId });\nres.send('x');");
    expect(sends).toEqual([
      { file: 'a.ts', line: 1, job: 'ocr.page', inTransaction: true },
      { file: 'a.ts', line: 2, job: 'batch.split', inTransaction: false },
    ]);
  });

  it('sends every job in a transaction, but for the listed re-sends', () => {
    const sends = productionFiles(ROOT).flatMap((file) => sendsOf(file, readFileSync(path.join(ROOT, file), 'utf8')));
    // The chain of the pipeline is seen: receiveBatch, the ingest split, the last page, the split, the clerk's edits, build, sign.
    const sent = new Set(sends.filter((s) => s.inTransaction).map((s) => s.job));
    for (const job of ['ingest.file', 'ocr.page', 'batch.split', 'document.build', 'document.sign', 'record.archive', 'record.reclassify']) expect(sent, job).toContain(job);
    const unlisted = sends.filter((s) => !s.inTransaction && !WITHOUT_TRANSACTION[s.file]?.[s.job]).map((s) => `${s.file}:${s.line} sends ${s.job} outside a transaction`);
    expect(unlisted).toEqual([]);
    const stale = Object.entries(WITHOUT_TRANSACTION).flatMap(([file, jobs]) =>
      Object.keys(jobs).filter((job) => !sends.some((s) => s.file === file && s.job === job && !s.inTransaction)).map((job) => `${file}: ${job}`));
    expect(stale, 'listed exceptions that no longer exist').toEqual([]);
  });

  it('has receiveBatch and the clerk\'s edits send in their transaction', () => {
    const inTx = (file: string) => sendsOf(file, readFileSync(path.join(ROOT, file), 'utf8'));
    expect(inTx('services/ingest/src/batch.service.ts')).toEqual([expect.objectContaining({ job: 'ingest.file', inTransaction: true })]);
    const clerk = inTx('services/matching/src/dossier.service.ts');
    expect(clerk.length).toBeGreaterThanOrEqual(3);
    expect(clerk.every((s) => s.inTransaction)).toBe(true);
  });
});
