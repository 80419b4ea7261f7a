/**
 * The operator's commands on the server: units, people and keys, straight in the database of DATA_DIR (the
 * running embedded PostgreSQL, or the cluster started for the command) or DATABASE_URL. They act as admin and are
 * audited as `token:cli:<OS user>`. Secrets (generated passwords, keys) are printed once, alone on the last line.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, createDb, loadConfig, migrate, roles, type Db, type Role } from '@sohoa/shared';
import { runningEmbeddedPostgres, startEmbeddedPostgres } from '@sohoa/embedded';
import { apiKeys, operatorCaller, people, units } from '../accounts/index.ts';
import { UsageError } from './usage.ts';

export { accountsUsage } from './accounts-usage.ts';

/** The database of this installation: DATABASE_URL, the running embedded server, or the embedded cluster started for this command. */
export async function withOperatorDatabase<T>(work: (db: Db) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const pgDir = path.join(config.dataDir, 'postgres');
  let url = config.databaseUrl ?? (await runningEmbeddedPostgres(pgDir));
  let stopPostgres: (() => Promise<void>) | null = null;
  if (!url) {
    const exists = await fs.access(path.join(pgDir, 'cluster', 'PG_VERSION')).then(() => true, () => false);
    if (!exists) throw new ConfigError(`no sohoa database in ${config.dataDir}: run \`sohoa start\` once, or set DATA_DIR or DATABASE_URL`);
    const pg = await startEmbeddedPostgres(pgDir, () => {});
    url = pg.databaseUrl;
    stopPostgres = () => pg.stop();
  }
  try {
    await migrate(url);
    const db = createDb(url, 2);
    try {
      return await work(db);
    } finally {
      await db.end();
    }
  } finally {
    await stopPostgres?.();
  }
}

const list = (value: string | undefined) => (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const print = (line: string) => process.stdout.write(`${line}\n`);

function sub(args: string[], usage: string, options: ParseArgsConfig['options'] = {}) {
  const [action, ...rest] = args;
  if (!action) throw new UsageError(usage);
  const { values, positionals } = parseArgs({ args: rest, options, allowPositionals: true });
  return { action, values: values as Record<string, string | undefined>, positionals };
}

export async function runUnits(args: string[]): Promise<number> {
  const usage = 'usage: sohoa units add --code CODE --name NAME [--parent CODE] | units import FILE | units list | units target CODE SHARE';
  const { action, values, positionals } = sub(args, usage, { code: { type: 'string' }, name: { type: 'string' }, parent: { type: 'string' }, kind: { type: 'string' }, format: { type: 'string' } });
  if (action === 'add') {
    if (!values.code || !values.name) throw new UsageError(usage);
    const unit = await withOperatorDatabase((db) => units.addUnit(db, operatorCaller(), { code: values.code!, name: values.name!, parent: values.parent ?? null, kind: (values.kind ?? null) as never }));
    print(`unit ${unit.code} "${unit.name}" added${unit.parent ? ` below ${unit.parent}` : ''}`);
    return 0;
  }
  if (action === 'import') {
    if (positionals.length !== 1) throw new UsageError(usage);
    const file = positionals[0]!;
    const format = values.format === 'json' || values.format === 'csv' ? values.format : /\.csv$/i.test(file) ? 'csv' : /\.json$/i.test(file) ? 'json' : undefined;
    const text = await fs.readFile(file, 'utf8');
    const result = await withOperatorDatabase((db) => units.importUnits(db, operatorCaller(), text, format));
    print(`${result.units} unit(s) read: ${result.created} created, ${result.updated} updated`);
    return 0;
  }
  if (action === 'target') {
    // The digitization-rate target: a share (0.85) or a percentage (85%).
    const [code, given] = positionals;
    const share = given && /^\d+(\.\d+)?%$/.test(given) ? Number(given.slice(0, -1)) / 100 : given && /^\d+(\.\d+)?$/.test(given) ? Number(given) : NaN;
    if (!code || positionals.length !== 2 || !(share >= 0 && share <= 1)) throw new UsageError('usage: sohoa units target CODE SHARE   (0.85 or 85%)');
    const set = await withOperatorDatabase((db) => units.setDigitizationTarget(db, operatorCaller(), code, share));
    print(`unit ${set.unit}: digitization target ${set.target} (was ${set.previous})`);
    return 0;
  }
  if (action === 'list') {
    const tree = await withOperatorDatabase((db) => units.unitTree(db, 'all'));
    for (const u of tree) print(`${'  '.repeat(u.depth)}${u.code}  ${u.name}${u.kind ? ` (${u.kind})` : ''}`);
    return 0;
  }
  throw new UsageError(usage);
}

export async function runUsers(args: string[]): Promise<number> {
  const usage = 'usage: sohoa users add --unit CODE --role ROLE --username NAME [--name DISPLAY] | users list [--unit CODE] | users disable --username NAME | users reset-password --username NAME';
  const { action, values } = sub(args, usage, { unit: { type: 'string' }, role: { type: 'string' }, username: { type: 'string' }, name: { type: 'string' } });
  const operator = operatorCaller();
  if (action === 'add') {
    const held = list(values.role);
    if (!values.username || !held.length || (!values.unit && held.some((r) => r !== 'admin'))) throw new UsageError(usage);
    const unknown = held.filter((r) => !(roles as readonly string[]).includes(r));
    if (unknown.length) throw new UsageError(`unknown role ${unknown.join(', ')}: one of ${roles.join(', ')}`);
    const { person, password } = await withOperatorDatabase((db) =>
      people.createPerson(db, operator, { username: values.username!, displayName: values.name, unitCode: values.unit ?? null, roles: held.map((role) => ({ role: role as Role })) }),
    );
    print(`person ${person.username} added${person.unit ? ` at ${person.unit}` : ''}: ${person.roles.map((r) => r.role).join(', ')}`);
    print('password (shown once; they change it after signing in):');
    print(password);
    return 0;
  }
  if (action === 'list') {
    const found = await withOperatorDatabase((db) => people.listPeople(db, operator, values.unit));
    for (const p of found) {
      const state = p.disabled ? ' [disabled]' : p.lockedUntil ? ` [locked until ${p.lockedUntil}]` : '';
      print(`${p.username}\t${p.unit ?? '-'}\t${p.roles.map((r) => (r.unit && r.unit !== p.unit ? `${r.role}@${r.unit}` : r.role)).join(',')}\t${p.displayName}${state}`);
    }
    return 0;
  }
  if (action === 'disable' || action === 'reset-password') {
    if (!values.username) throw new UsageError(usage);
    return withOperatorDatabase(async (db) => {
      const person = await people.personByUsername(db, operator, values.username!);
      if (action === 'disable') {
        await people.disablePerson(db, operator, person.id);
        print(`person ${person.username} disabled; their sessions ended`);
      } else {
        const { password } = await people.resetPassword(db, operator, person.id);
        print(`new password for ${person.username} (shown once):`);
        print(password);
      }
      return 0;
    });
  }
  throw new UsageError(usage);
}

export async function runKeys(args: string[]): Promise<number> {
  const usage = 'usage: sohoa keys create --name NAME --units CODE[,CODE…] --scopes SCOPE[,SCOPE…] [--owner CODE] [--expires ISO-DATE] | keys list | keys revoke ID';
  const { action, values, positionals } = sub(args, usage, { name: { type: 'string' }, units: { type: 'string' }, scopes: { type: 'string' }, owner: { type: 'string' }, expires: { type: 'string' }, id: { type: 'string' } });
  const operator = operatorCaller();
  if (action === 'create') {
    if (!values.name || !list(values.units).length || !list(values.scopes).length) throw new UsageError(usage);
    const expiresAt = values.expires ? new Date(values.expires) : null;
    if (expiresAt && Number.isNaN(expiresAt.getTime())) throw new UsageError('--expires: an ISO 8601 date, e.g. 2027-12-31');
    const { key, secret } = await withOperatorDatabase((db) =>
      apiKeys.createKey(db, operator, { name: values.name!, unitCodes: list(values.units), scopes: list(values.scopes), ownerUnitCode: values.owner, expiresAt }),
    );
    print(`key ${key.id} "${key.name}" for ${key.units.join(', ')}: ${key.scopes.join(', ')}${key.expiresAt ? `, expires ${key.expiresAt}` : ''}`);
    print('the key (shown once; send it as Authorization: Bearer …):');
    print(secret);
    return 0;
  }
  if (action === 'list') {
    const found = await withOperatorDatabase((db) => apiKeys.listKeys(db, operator));
    for (const k of found) print(`${k.id}\t${k.prefix}…\t${k.status}\t${k.name}\t${k.units.join(',')}\t${k.scopes.join(',')}\tlast used ${k.lastUsedAt ?? 'never'}`);
    return 0;
  }
  if (action === 'revoke') {
    const id = values.id ?? positionals[0];
    if (!id || !/^[0-9a-f-]{36}$/i.test(id)) throw new UsageError(usage);
    const key = await withOperatorDatabase((db) => apiKeys.revokeKey(db, operator, id));
    print(`key ${key.id} "${key.name}" revoked`);
    return 0;
  }
  throw new UsageError(usage);
}
