/**
 * Opens the local SQLite database: WAL, numbered migrations, and recovery from a corrupt or
 * unreadable file (moved aside, a clean one started, the caller told) so a bad file never turns
 * into a crash loop.
 *
 * The integrity check (`PRAGMA quick_check`) reads the whole file: 156-221 ms of the main thread for a
 * 50,000-message cache on the bench box, before the first channel could be listed (figure 13). With
 * `check: 'later'` the file is opened without it (a file SQLite cannot open, or whose schema it cannot
 * read, still fails here), and the caller runs it off the main thread while the cache is read (a read of
 * a damaged page fails with SQLITE_CORRUPT meanwhile); on a failed verdict it reopens with `setAside`,
 * which moves the file aside at this start, as the check at open did.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, renameSync, statSync } from 'node:fs';
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
  /**
   * `'at-open'` (the default): `PRAGMA quick_check` before anything is read. `'later'`: the caller runs
   * it (`quickCheck`, on another connection and thread) and reopens with `setAside` if it fails.
   */
  check?: 'at-open' | 'later';
  /**
   * The file failed a check made after it was opened: it is moved aside (with its WAL) and a clean one
   * started, keeping the old file's channel list where it still reads (see `keepChannels`).
   */
  setAside?: string;
}

export interface Opened {
  db: Db;
  /** Set when the previous file could not be used and was moved aside. */
  recovered?: { movedTo: string; reason: string };
  /** Whether the file's integrity is known: checked here, or a file started here. False: check it. */
  checked: boolean;
}

export function openDatabase(options: OpenOptions): Opened {
  if (options.setAside !== undefined) return startAfresh(options, options.setAside);
  // A file SQLite creates here has nothing to check.
  const fresh = isNew(options.file);
  const checkNow = options.check !== 'later' && !fresh;
  try {
    return { db: openAndMigrate(options, checkNow), checked: checkNow || fresh };
  } catch (error) {
    if (!isFileProblem(error)) throw error;
    return startAfresh(options, error instanceof Error ? error.message : String(error));
  }
}

/** `PRAGMA quick_check` of the whole file: null when it is sound, else what SQLite found. */
export function quickCheck(db: Db): string | null {
  let answer: { result: string; code?: string };
  try {
    answer = { result: String(db.pragma('quick_check', { simple: true })) };
  } catch (error) {
    answer = { result: error instanceof Error ? error.message : String(error), code: codeOf(error) };
    if (checkVerdict(answer) === undefined) throw error;
  }
  return checkVerdict(answer) ?? null;
}

/**
 * A quick_check's answer, from this thread or another: its first row (`result`), or the message and
 * code of the SQLite error it threw. Null: the file is sound; a string: what is wrong with it;
 * undefined: no verdict. Only an error that says the file is damaged (SQLITE_CORRUPT and its extended
 * codes, SQLITE_NOTADB) is one: a verdict moves the file and its outbox aside, and a lock, a full disk,
 * an I/O error, memory or an interrupt on the checking connection say nothing of the file's pages.
 */
export function checkVerdict(answer: { result: string; code?: string }): string | null | undefined {
  if (answer.code === undefined)
    return answer.result === 'ok' ? null : `integrity check failed: ${answer.result}`;
  const damaged = answer.code === 'SQLITE_NOTADB' || /^SQLITE_CORRUPT(_|$)/.test(answer.code);
  return damaged ? `integrity check failed: ${answer.result}` : undefined;
}

function startAfresh(options: OpenOptions, reason: string): Opened {
  const movedTo = moveAside(options.file, (options.now ?? Date.now)());
  const db = openAndMigrate(options, false);
  keepChannels(db, movedTo);
  return { db, recovered: { movedTo, reason }, checked: true };
}

/**
 * The channel list of the file set aside, where it still reads: the UI keeps its channels (names,
 * members, mute, drafts) and a send to one of them can be queued before the server lists them again.
 * Their cursors start unset, so each channel's first catch-up fetches its newest page, as for a new
 * account. Best effort: a damaged channels table leaves the list to the server.
 */
function keepChannels(db: Db, movedTo: string): void {
  if (!existsSync(movedTo)) return;
  const columns =
    'id, name, members_json, position, last_seq, server_seq, server_unread, read_seq, muted, draft, kind, private, topic, archived, created_by, notify';
  try {
    db.prepare('ATTACH DATABASE ? AS old').run(movedTo);
  } catch {
    return;
  }
  try {
    db.transaction(() => {
      db.exec(`INSERT INTO main.channels (${columns}) SELECT ${columns} FROM old.channels`);
    })();
  } catch {
    // Nothing of it, then: the server lists the channels on connecting.
  } finally {
    db.exec('DETACH DATABASE old');
  }
}

/** Nothing on disk yet (a new account): neither the file nor a WAL holds a page. */
function isNew(file: string): boolean {
  if (file === ':memory:' || file === '' || file.startsWith('file:')) return true;
  const size = (path: string) => (existsSync(path) ? statSync(path).size : 0);
  return size(file) === 0 && size(`${file}-wal`) === 0;
}

function openAndMigrate({ file, nativeBinding }: OpenOptions, check: boolean): Db {
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
    const problem = check ? quickCheck(db) : null;
    if (problem !== null) throw new DatabaseFileError(problem);
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
export function isFileProblem(error: unknown): boolean {
  if (error instanceof DatabaseFileError) return true;
  const code = codeOf(error);
  return !!code?.startsWith('SQLITE_') && code !== 'SQLITE_BUSY';
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
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
