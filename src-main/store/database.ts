/**
 * Opens the local SQLite database: WAL, numbered migrations, and recovery from a corrupt or
 * unreadable file (moved aside, a clean one started, the caller told) so a bad file never turns
 * into a crash loop.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrations } from './migrations';

export type Db = Database.Database;

/** SQLite's own checkpoint, in whichever commit crosses this many WAL pages (~40 MB): a safety net. */
export const WAL_AUTOCHECKPOINT_PAGES = 10_000;
/**
 * The same net while a worker checkpoints (checkpointer.ts): beside a catch-up's steady commits its
 * checkpoints copy the WAL but the WAL restarts only once one catches up with the last commit, so it
 * grows by what the catch-up writes (~3.5 pages a message); ~200 MB before the main thread steps in.
 */
export const WAL_SAFETY_NET_PAGES = 50_000;

export interface OpenOptions {
  file: string;
  /** Path to a better-sqlite3 native build (e.g. one built for Electron's ABI). */
  nativeBinding?: string;
  /** Used to name the moved-aside file. */
  now?: () => number;
}

export interface Opened {
  db: Db;
  /** Set when the previous file could not be used and was moved aside. */
  recovered?: { movedTo: string; reason: string };
}

export function openDatabase(options: OpenOptions): Opened {
  try {
    return { db: openAndMigrate(options) };
  } catch (error) {
    if (!isFileProblem(error)) throw error;
    const movedTo = moveAside(options.file, (options.now ?? Date.now)());
    return {
      db: openAndMigrate(options),
      recovered: { movedTo, reason: error instanceof Error ? error.message : String(error) },
    };
  }
}

function openAndMigrate({ file, nativeBinding }: OpenOptions): Db {
  makePrivate(file);
  const db = new Database(file, nativeBinding ? { nativeBinding } : {});
  try {
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: every commit is written to the WAL before it returns, so it survives a
    // process crash (kill -9) and a clean reboot (the OS flushes its cache); only a power cut, a
    // hard reset or an OS crash may lose the last commits, since the WAL is synced at checkpoints,
    // not per commit; the file stays consistent either way. That covers
    // issue 3's list (offline, server restarts, app crashes, reboots) without an fsync on the
    // main thread per send (FULL cost ~4 ms p99 per commit on this disk; see BENCHMARKS.md).
    db.pragma('synchronous = NORMAL');
    // The core checkpoints on a timer, off the main thread (core/store-upkeep.ts, checkpointer.ts);
    // SQLite's own checkpoint (which syncs the file inside whichever commit crosses the limit) stays as
    // a safety net at 10,000 pages (~40 MB of WAL) instead of 1,000.
    db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    db.pragma('busy_timeout = 5000');
    // Statement journals (and temporary tables) in memory. A statement that fires a trigger inside a
    // longer transaction, such as each DELETE of an ack batch's sends, journals the pages it rewrites;
    // past 64 KiB SQLite spilled that to a file in /var/tmp, one write() per page, and the replay of a
    // backlog wrote more there than to the WAL (BENCHMARKS.md, "outbox7"). Nothing durable lives there:
    // it only undoes a statement that fails half way.
    db.pragma('temp_store = MEMORY');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new DatabaseFileError(`integrity check failed: ${String(check)}`);
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function migrate(db: Db): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > migrations.length) {
    throw new DatabaseFileError(`schema version ${version} is newer than this app (${migrations.length})`);
  }
  for (let i = version; i < migrations.length; i++) {
    db.transaction(() => {
      db.exec(migrations[i] as string);
      db.pragma(`user_version = ${i + 1}`);
    })();
  }
}

class DatabaseFileError extends Error {
  override name = 'DatabaseFileError';
}

/** SQLite errors (SQLITE_NOTADB, SQLITE_CORRUPT, ...) are about the file; a missing native module is not. */
function isFileProblem(error: unknown): boolean {
  if (error instanceof DatabaseFileError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') && code !== 'SQLITE_BUSY';
}

function moveAside(file: string, now: number): string {
  const movedTo = `${file}.corrupt-${now}`;
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(file + suffix)) renameSync(file + suffix, movedTo + suffix);
  }
  return movedTo;
}

/**
 * Every cached message of this user is in the file: only its owner may read it (issue 11: SQLite
 * creates 0644). Created 0600 before SQLite opens it (its -wal and -shm files take the database
 * file's mode), and a file left 0644 by an older version is narrowed, folder 0700 included.
 */
function makePrivate(file: string): void {
  if (file === ':memory:' || file === '' || file.startsWith('file:')) return;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(path)) chmodSync(path, 0o600);
  }
}
