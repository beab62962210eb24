/**
 * What backup and restore share: where the server's SQLite file is, whether a server has it open, and
 * the check that a file is a sound Relay database.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { DATABASE_FILE } from '../../store/sqlite/sqlite-database';
import { type AdminContext, AdminError } from '../command';

/** The live database file; refuses with DATABASE_URL (PostgreSQL has its own tools) or when there is none. */
export function liveDatabaseFile(ctx: AdminContext, command: string): string {
  if (ctx.databaseUrl) {
    const tool = command === 'backup' ? 'pg_dump' : 'pg_restore';
    throw new AdminError(
      `${command} is for the SQLite store; with DATABASE_URL use ${tool} (README, Deploying: backups)`,
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
