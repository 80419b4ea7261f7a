import { parseArgs } from 'node:util';
import { accountsUsage } from './commands/accounts-usage.ts';
import { UsageError } from './commands/usage.ts';

// Each command's module is loaded when it runs: loading every service up front cost each CLI call seconds of CPU.
const start = () => import('./commands/start.ts');

const usage = `sohoa: digitize one-stop counter dossiers into signed, searchable records

  sohoa start                      run everything (embedded PostgreSQL and S3 unless DATABASE_URL / S3_* are set)
  sohoa worker                     run pipeline workers only (scale-out; needs DATABASE_URL and S3_*)
  sohoa ocr --out DIR FILE…        OCR scans to DIR/<name>.txt and DIR/<name>.pdf, no database
  sohoa ingest --unit CODE --procedure CODE [--dossier CODE] [--component CODE] FILE…
                                   send scans to the running server and wait for the records
  sohoa match --catalog FILE [--procedure CODE] --json FILE…
                                   split scans into documents and match them to catalog components, no database
  sohoa verify FILE.pdf [--trust CA.pem]… [--trust-dir DIR]… [--soft-fail]
                                   check every signature; exit 0 only if all are intact, trusted and known not revoked
                                   (default anchors: TRUST_ANCHORS_DIR and data/pki/ca.pem; .crl files in a dir are read;
                                   --soft-fail or REVOCATION_SOFT_FAIL=on: an unknown revocation status is reported, not fatal)
  sohoa sign --p12 FILE (--password-file F | --password-env VAR) [--tsa URL] [--as unit|officer|none]
             [--name TEXT] [--seal IMAGE] [--reason TEXT] IN.pdf OUT.pdf
                                   sign any PDF with a PKCS#12 (PAdES B-B; B-T with --tsa), as the pipeline does
  sohoa audit verify [--json]      check the audit trail's hash chain and the last head in the object store; exit 0
                                   only if intact, else the first bad row is named (DATABASE_URL: read directly;
                                   else the running server is asked)
  sohoa audit head                 write the audit chain's end to the object store now
  sohoa reuse --owner ID [--component CODE]… [--procedure CODE] [--issued-after YYYY-MM-DD] --purpose TEXT [--json]
                                   an owner's reusable results from the running server (SOHOA_TOKEN: a key with
                                   reuse:read), each with its signature status; audited with the purpose
  sohoa fixity [--unit CODE]       re-read every record object of the running server now (SHA-256 and signatures);
                                   exit 0 only if every record checked is intact, else each one is named
${accountsUsage}`;


const commands: Record<string, (args: string[]) => Promise<number>> = {
  start: async () => (await start()).runStart(),
  worker: async () => (await start()).runWorker(),
  ocr: async (args) => {
    const { values, positionals } = parseArgs({ args, options: { out: { type: 'string' } }, allowPositionals: true });
    if (!values.out || positionals.length === 0) throw new UsageError('usage: sohoa ocr --out DIR FILE…');
    return (await import('./commands/ocr.ts')).runOcr(values.out, positionals);
  },
  ingest: async (args) => {
    const { values, positionals } = parseArgs({
      args,
      options: { unit: { type: 'string' }, procedure: { type: 'string' }, dossier: { type: 'string' }, component: { type: 'string' }, 'no-wait': { type: 'boolean' } },
      allowPositionals: true,
    });
    if (!values.unit || !values.procedure || positionals.length === 0) throw new UsageError('usage: sohoa ingest --unit CODE --procedure CODE [--dossier CODE] FILE…');
    return (await import('./commands/ingest.ts')).runIngest({ unit: values.unit, procedure: values.procedure, dossier: values.dossier, component: values.component, wait: !values['no-wait'], files: positionals });
  },
  match: async (args) => {
    const { values, positionals } = parseArgs({ args, options: { catalog: { type: 'string' }, procedure: { type: 'string' }, json: { type: 'boolean' } }, allowPositionals: true });
    if (!values.catalog || positionals.length === 0) throw new UsageError('usage: sohoa match --catalog FILE [--procedure CODE] --json FILE…');
    return (await import('./commands/match.ts')).runMatch({ catalog: values.catalog, procedure: values.procedure, files: positionals });
  },
  verify: async (args) => {
    const { values, positionals } = parseArgs({
      args,
      options: { trust: { type: 'string', multiple: true }, 'trust-dir': { type: 'string', multiple: true }, 'soft-fail': { type: 'boolean' } },
      allowPositionals: true,
    });
    if (positionals.length !== 1) throw new UsageError('usage: sohoa verify FILE.pdf [--trust CA.pem]… [--trust-dir DIR]… [--soft-fail]');
    return (await import('./commands/verify.ts')).runVerify(positionals[0], { trust: values.trust ?? [], trustDirs: values['trust-dir'] ?? [], softFail: values['soft-fail'] === true });
  },
  audit: async (args) => {
    const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: true });
    if (positionals.length === 1 && positionals[0] === 'verify') return (await import('./commands/audit.ts')).runAuditVerify({ json: values.json === true });
    if (positionals.length === 1 && positionals[0] === 'head') return (await import('./commands/audit.ts')).runAuditHead();
    throw new UsageError('usage: sohoa audit verify [--json] | sohoa audit head');
  },
  units: async (args) => (await import('./commands/accounts.ts')).runUnits(args),
  users: async (args) => (await import('./commands/accounts.ts')).runUsers(args),
  keys: async (args) => (await import('./commands/accounts.ts')).runKeys(args),
  sign: async (args) => {
    const { values, positionals } = parseArgs({
      args,
      options: {
        p12: { type: 'string' }, 'password-file': { type: 'string' }, 'password-env': { type: 'string' }, tsa: { type: 'string' },
        as: { type: 'string', default: 'unit' }, name: { type: 'string' }, seal: { type: 'string' }, reason: { type: 'string' },
      },
      allowPositionals: true,
    });
    const signUsage = 'usage: sohoa sign --p12 FILE (--password-file F | --password-env VAR) [--tsa URL] [--as unit|officer|none] IN.pdf OUT.pdf';
    if (!values.p12 || positionals.length !== 2 || !!values['password-file'] === !!values['password-env']) throw new UsageError(signUsage);
    if (values.as !== 'unit' && values.as !== 'officer' && values.as !== 'none') throw new UsageError(signUsage);
    return (await import('./commands/sign.ts')).runSign({
      p12: values.p12,
      password: values['password-file'] ? { file: values['password-file'] } : { env: values['password-env']! },
      tsa: values.tsa, role: values.as, name: values.name, seal: values.seal, reason: values.reason,
      input: positionals[0]!, output: positionals[1]!,
    });
  },
  reuse: async (args) => {
    const { values, positionals } = parseArgs({
      args,
      options: { owner: { type: 'string' }, component: { type: 'string', multiple: true }, procedure: { type: 'string' }, 'issued-after': { type: 'string' }, purpose: { type: 'string' }, json: { type: 'boolean' } },
      allowPositionals: true,
    });
    if (!values.owner || !values.purpose?.trim() || positionals.length) {
      throw new UsageError('usage: sohoa reuse --owner ID [--component CODE]… [--procedure CODE] [--issued-after YYYY-MM-DD] --purpose TEXT [--json]');
    }
    return (await import('./commands/reuse.ts')).runReuse({
      owner: values.owner, components: values.component ?? [], procedure: values.procedure, issuedAfter: values['issued-after'], purpose: values.purpose.trim(), json: values.json === true,
    });
  },
  fixity: async (args) => {
    const { values, positionals } = parseArgs({ args, options: { unit: { type: 'string' } }, allowPositionals: true });
    if (positionals.length) throw new UsageError('usage: sohoa fixity [--unit CODE]');
    return (await import('./commands/fixity.ts')).runFixity({ unit: values.unit });
  },
};

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
