/**
 * `npm run admin -- restore FILE`: puts a backup in place of the SQLite database, on a stopped server
 * only. The backup is checked first (PRAGMA integrity_check, a Relay schema); the database it replaces is
 * kept beside it (relay.sqlite.before-restore-TIME, its WAL folded in), so a restore loses nothing.
 */
import { copyFileSync, renameSync, rmSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import Database from 'better-sqlite3';
import { type AdminCommand, AdminError } from '../command';
import { checkDatabase, databaseInUse, fileCommandArgs, fileCommandUsage } from './sqlite-file';

export const restore: AdminCommand = {
  summary: 'replace the SQLite database with a backup FILE (server stopped)',
  usage: fileCommandUsage(
    'restore',
    'Checks FILE (PRAGMA integrity_check, a Relay database), keeps the current DATA_DIR/relay.sqlite as',
    'relay.sqlite.before-restore-TIME, and puts FILE in its place. The server must be stopped: restore',
    'refuses while any process has the database open. Start the server afterwards.',
  ),
  async run(args, ctx) {
    const { live, file: backupFile } = fileCommandArgs(args, ctx, 'restore');
    const { messages, users } = checkDatabase(backupFile);
    if (databaseInUse(live)) {
      throw new AdminError(
        `${live} is open in another process: the server appears to be running. Stop it, then restore.`,
      );
    }
    // The current database, WAL included, as one file: the backup API reads through the WAL.
    const kept = `${live}.before-restore-${new Date().toISOString().replaceAll(':', '-')}`;
    const current = new Database(live, { fileMustExist: true });
    try {
      await current.backup(kept);
    } finally {
      current.close();
    }
    await chmod(kept, 0o600);
    // Copied beside the live file first, so the swap is one rename on the same filesystem.
    const incoming = `${live}.restoring`;
    copyFileSync(backupFile, incoming);
    await chmod(incoming, 0o600);
    for (const suffix of ['-wal', '-shm']) rmSync(`${live}${suffix}`, { force: true });
    renameSync(incoming, live);
    ctx.print(
      `restored ${backupFile} to ${live} (${users} users, ${messages} messages); the previous database is ${kept}`,
    );
  },
};
