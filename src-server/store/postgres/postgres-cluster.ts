/**
 * Test helper: a throwaway PostgreSQL cluster for the PostgreSQL store and server tests. initdb in a temp
 * folder, `pg_ctl start` on 127.0.0.1 and a free port (its Unix socket in that folder too), password
 * authentication with a random password, fsync off (nothing here has to survive the machine). `stop()`
 * stops it and removes the folder; so does the process exiting, should a test run die first.
 * PostgreSQL refuses to run as root: as root, every binary runs as the `postgres` system user (made by the
 * Debian package) through runuser. Without the binaries, `postgresUnavailable()` says why.
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../../testing';

const run = promisify(execFile);
const SUPERUSER = 'relay';
const isRoot = process.getuid?.() === 0;

/** The newest Debian cluster binaries (/usr/lib/postgresql/<version>/bin), else whatever is on PATH. */
function findBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0]) return join(root, versions[0], 'bin');
  return spawnSync('initdb', ['--version']).status === 0 ? '' : undefined;
}

const binDir = findBinDir();

function postgresUser(): { uid: number; gid: number } | undefined {
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const uid = id('-u');
  const gid = id('-g');
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

const owner = isRoot ? postgresUser() : undefined;

/** Why no cluster can be started here, or undefined when one can. */
export function postgresUnavailable(): string | undefined {
  if (binDir === undefined) {
    return 'no PostgreSQL binaries (initdb) in /usr/lib/postgresql/*/bin or on PATH (apt-get install postgresql)';
  }
  if (isRoot && !owner) return 'running as root and there is no "postgres" user to run PostgreSQL as';
  return undefined;
}

/** Runs a PostgreSQL binary, as the postgres user when we are root. */
async function pgBin(name: string, args: string[]): Promise<void> {
  const bin = binDir ? join(binDir, name) : name;
  const [command, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  await run(command, argv, { timeout: 60_000 });
}

export interface PostgresCluster {
  /** A new, empty database on the cluster; returns its DATABASE_URL. */
  createDatabase(): Promise<string>;
  /** Stops the cluster and removes its folder. Idempotent. */
  stop(): Promise<void>;
}

/**
 * `durable`: fsync and full-page writes on, as an operator runs it (the bench compares the server's
 * own commit with PostgreSQL's); tests keep them off, as nothing there has to survive the machine.
 */
export async function startPostgresCluster(options: { durable?: boolean } = {}): Promise<PostgresCluster> {
  const reason = postgresUnavailable();
  if (reason) throw new Error(`Cannot start PostgreSQL: ${reason}`);
  const dir = await mkdtemp(join(tmpdir(), 'relay-pg-'));
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'log');
  const password = randomBytes(18).toString('base64url');
  const port = await freePort();
  const base = `postgres://${SUPERUSER}:${password}@127.0.0.1:${port}`;

  const stopNow = () => {
    process.off('exit', stopNow);
    if (existsSync(join(dataDir, 'postmaster.pid'))) {
      const bin = binDir ? join(binDir, 'pg_ctl') : 'pg_ctl';
      const args = ['stop', '-D', dataDir, '-m', 'immediate', '-w', '-s'];
      spawnSync(isRoot ? 'runuser' : bin, isRoot ? ['-u', 'postgres', '--', bin, ...args] : args);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', stopNow);

  try {
    await chmod(dir, 0o700);
    if (owner) await chown(dir, owner.uid, owner.gid);
    const pwfile = join(dir, 'pwfile');
    await writeFile(pwfile, password, { mode: 0o600 });
    if (owner) await chown(pwfile, owner.uid, owner.gid);
    await pgBin('initdb', [
      ...['-D', dataDir, '-U', SUPERUSER, `--pwfile=${pwfile}`, '--auth=scram-sha-256'],
      ...['-E', 'UTF8', '--locale=C', '--no-sync'],
    ]);
    await rm(pwfile);
    const server = [
      ...['-h', '127.0.0.1', '-p', String(port), '-k', `'${dir}'`],
      ...(options.durable ? [] : ['-c', 'fsync=off', '-c', 'full_page_writes=off']),
      ...['-c', 'max_connections=50'],
    ];
    await pgBin('pg_ctl', [
      'start',
      '-D',
      dataDir,
      '-w',
      '-t',
      '30',
      '-s',
      '-l',
      logFile,
      '-o',
      server.join(' '),
    ]);
  } catch (err) {
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    stopNow();
    throw new Error(`PostgreSQL did not start: ${(err as Error).message}\n${log}`);
  }

  let databases = 0;
  return {
    async createDatabase() {
      const name = `relay_${++databases}`;
      const admin = new pg.Client({ connectionString: `${base}/postgres` });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      return `${base}/${name}`;
    },
    async stop() {
      stopNow();
    },
  };
}
