import { parseArgs } from 'node:util';
import { runStart, runWorker } from './commands/start.ts';
import { runOcr } from './commands/ocr.ts';
import { runIngest } from './commands/ingest.ts';
import { runVerify } from './commands/verify.ts';

const usage = `sohoa: digitize one-stop counter dossiers into signed, searchable records

  sohoa start                      run everything (embedded PostgreSQL and S3 unless DATABASE_URL / S3_* are set)
  sohoa worker                     run pipeline workers only (scale-out; needs DATABASE_URL and S3_*)
  sohoa ocr --out DIR FILE…        OCR scans to DIR/<name>.txt and DIR/<name>.pdf, no database
  sohoa ingest --unit CODE --procedure CODE [--dossier CODE] [--component CODE] FILE…
                                   send scans to the running server and wait for the records
  sohoa verify FILE.pdf [--trust CA.pem]
                                   check every signature; exit 0 only if all are intact and trusted`;

const commands: Record<string, (args: string[]) => Promise<number>> = {
  start: () => runStart(),
  worker: () => runWorker(),
  ocr: (args) => {
    const { values, positionals } = parseArgs({ args, options: { out: { type: 'string' } }, allowPositionals: true });
    if (!values.out || positionals.length === 0) throw new UsageError('usage: sohoa ocr --out DIR FILE…');
    return runOcr(values.out, positionals);
  },
  ingest: (args) => {
    const { values, positionals } = parseArgs({
      args,
      options: { unit: { type: 'string' }, procedure: { type: 'string' }, dossier: { type: 'string' }, component: { type: 'string' }, 'no-wait': { type: 'boolean' } },
      allowPositionals: true,
    });
    if (!values.unit || !values.procedure || positionals.length === 0) throw new UsageError('usage: sohoa ingest --unit CODE --procedure CODE [--dossier CODE] FILE…');
    return runIngest({ unit: values.unit, procedure: values.procedure, dossier: values.dossier, component: values.component, wait: !values['no-wait'], files: positionals });
  },
  verify: (args) => {
    const { values, positionals } = parseArgs({ args, options: { trust: { type: 'string', multiple: true } }, allowPositionals: true });
    if (positionals.length !== 1) throw new UsageError('usage: sohoa verify FILE.pdf [--trust CA.pem]');
    return runVerify(positionals[0], values.trust ?? []);
  },
};

class UsageError extends Error {}

const [name, ...rest] = process.argv.slice(2);
const command = name ? commands[name] : undefined;
if (!command) {
  console.log(usage);
  process.exit(name && name !== 'help' && name !== '--help' ? 2 : 0);
}
try {
  process.exitCode = await command(rest);
} catch (err) {
  console.error(`sohoa ${name}: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1;
}
