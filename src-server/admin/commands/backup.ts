/**
 * `npm run admin -- backup FILE`: a consistent copy of the SQLite database, taken with SQLite's online
 * backup API while the server keeps running, then checked with PRAGMA integrity_check before it is
 * given its name. The copy is 0600 (it holds password hashes and every message).
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import Database from 'better-sqlite3';
import { type AdminCommand, AdminError } from '../command';
import { checkDatabase, fileCommandArgs, fileCommandUsage } from './sqlite-file';

/**
 * Pages per backup step: all of them. One step is one read transaction, so the server's commits during
 * the copy cannot make SQLite start it over (which it does after each step that saw another writer);
 * the server is never blocked either way (WAL: readers and the writer do not wait on each other).
 */
const ALL_PAGES = 2 ** 31 - 1;

export const backup: AdminCommand = {
  summary: 'copy the SQLite database to FILE while the server runs, and check the copy',
  usage: fileCommandUsage(
    'backup',
    'Copies DATA_DIR/relay.sqlite to FILE with SQLite’s online backup API (the server may keep running),',
    'checks the copy with PRAGMA integrity_check, and prints what it holds. FILE must not exist yet.',
  ),
  async run(args, ctx) {
    const { live: source, file: destination } = fileCommandArgs(args, ctx, 'backup');
    if (existsSync(destination))
      throw new AdminError(`${destination} exists: backup never overwrites a file`);
    const partial = `${destination}.partial`;
    rmSync(partial, { force: true });
    const db = new Database(source, { fileMustExist: true });
    try {
      await db.backup(partial, { progress: () => ALL_PAGES });
    } catch (error) {
      rmSync(partial, { force: true });
      throw new AdminError(`backup failed: ${(error as Error).message}`);
    } finally {
      db.close();
    }
    try {
      await chmod(partial, 0o600);
      const { messages, users } = checkDatabase(partial);
      renameSync(partial, destination);
      ctx.print(`backed up ${source} to ${destination}: integrity ok, ${users} users, ${messages} messages`);
    } catch (error) {
      rmSync(partial, { force: true });
      throw error;
    }
  },
};
