/**
 * What backup and restore share: where the server's SQLite file is, whether a server has it open, and
 * the check that a file is a sound Relay database.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { DATABASE_FILE } from '../../store/sqlite/sqlite-database';
import { type AdminContext, AdminError } from '../command';

export type FileCommand = 'backup' | 'restore';

/** What PostgreSQL has in place of the command. */
const POSTGRES_TOOL: Record<FileCommand, string> = { backup: 'pg_dump', restore: 'pg_restore' };

/** The command's --help: its usage line, what it does, and the PostgreSQL tool to use instead. */
export function fileCommandUsage(command: FileCommand, ...what: string[]): string {
  return [
    `Usage: npm run admin -- ${command} FILE`,
    '',
    ...what,
    `With DATABASE_URL (PostgreSQL) use ${POSTGRES_TOOL[command]} instead: see README, “Deploying”.`,
  ].join('\n');
}

/** The command's one FILE argument (resolved) and the live database file, refused in that order. */
export function fileCommandArgs(
  args: string[],
  ctx: AdminContext,
  command: FileCommand,
): { file: string; live: string } {
  const [file, ...extra] = args;
  if (!file || extra.length > 0) throw new AdminError(`${command} takes one FILE (see ${command} --help)`);
  return { live: liveDatabaseFile(ctx, command), file: resolve(file) };
}

/** The live database file; refuses with DATABASE_URL (PostgreSQL has its own tools) or when there is none. */
function liveDatabaseFile(ctx: AdminContext, command: FileCommand): string {
  if (ctx.databaseUrl) {
    throw new AdminError(
      `${command} is for the SQLite store; with DATABASE_URL use ${POSTGRES_TOOL[command]} (README, Deploying: backups)`,
    );
  }
  const file = resolve(join(ctx.dataDir, DATABASE_FILE));
  if (!existsSync(file)) throw new AdminError(`No database at ${file} (set DATA_DIR or --data-dir)`);
  return file;
}

/**
 * Whether some process has the database open, as a running server always does. In WAL mode every open
 * connection holds a shared lock on the WAL index, so taking SQLite's exclusive locking mode fails while
 * any other connection is open, however idle; a server killed with -9 leaves no lock behind.
 */
export function databaseInUse(file: string): boolean {
  const db = new Database(file, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
    return false;
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) return true;
    throw error;
  } finally {
    db.close();
  }
}

/** PRAGMA integrity_check, plus the tables of a Relay database; throws AdminError saying what is wrong. */
export function checkDatabase(file: string): { messages: number; users: number } {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new AdminError(`${file} cannot be opened as SQLite: ${(error as Error).message}`);
  }
  try {
    const problems = db.pragma('integrity_check', { simple: false }) as { integrity_check: string }[];
    const report = problems.map((row) => row.integrity_check);
    if (report.length !== 1 || report[0] !== 'ok') {
      throw new AdminError(`${file} fails PRAGMA integrity_check: ${report.slice(0, 5).join('; ')}`);
    }
    const count = (table: string) =>
      (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    try {
      return { messages: count('messages'), users: count('users') };
    } catch {
      throw new AdminError(`${file} is an SQLite file but not a Relay database (no users or messages table)`);
    }
  } catch (error) {
    if (error instanceof AdminError) throw error;
    throw new AdminError(`${file} is not a sound SQLite database: ${(error as Error).message}`);
  } finally {
    db.close();
  }
}
