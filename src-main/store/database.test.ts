/** A corrupt or unreadable database file is moved aside and a clean one started: never a crash loop. */
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { checkVerdict, openDatabase, quickCheck } from './database';
import { migrations } from './migrations';
import { LocalStore } from './store';
import { addOldMessages, corruptLeafPage } from './testing/corrupt-file';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'relay-db-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('migrates a new file to the latest version in WAL mode', () => {
  const { db, recovered } = openDatabase({ file: join(dir, 'a.sqlite') });
  expect(recovered).toBeUndefined();
  expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
  expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  db.close();
  // Opening again runs nothing twice.
  const again = openDatabase({ file: join(dir, 'a.sqlite') });
  expect(again.recovered).toBeUndefined();
  again.db.close();
});

it('moves a file that is not a database aside and starts clean', () => {
  const file = join(dir, 'b.sqlite');
  writeFileSync(file, 'this is not a database, just garbage '.repeat(200));
  const { db, recovered } = openDatabase({ file, now: () => 42 });
  expect(recovered?.movedTo).toBe(`${file}.corrupt-42`);
  expect(existsSync(`${file}.corrupt-42`)).toBe(true);
  expect(db.prepare('SELECT count(*) AS n FROM operations').get()).toEqual({ n: 0 });
  db.close();
  expect(readdirSync(dir).sort()).toContain('b.sqlite');
});

it('moves aside a file from a newer version of the app', () => {
  const file = join(dir, 'c.sqlite');
  const first = openDatabase({ file });
  first.db.pragma(`user_version = ${migrations.length + 5}`);
  first.db.close();
  const { db, recovered } = openDatabase({ file, now: () => 7 });
  expect(recovered?.reason).toMatch(/newer/);
  expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
  db.close();
});

/** A real account file with its channel list, damaged deep inside (a page of old messages). */
function damagedFile(name: string): string {
  const file = join(dir, name);
  const { db } = openDatabase({ file });
  db.prepare(
    "INSERT INTO channels (id, name, members_json, position, draft) VALUES ('c1', 'general', '[]', 0, 'half a thought')",
  ).run();
  db.close();
  addOldMessages(file, 2000);
  corruptLeafPage(file, 'messages');
  return file;
}

it('checks the whole file at open by default, and moves a file damaged deep inside aside', () => {
  const file = damagedFile('d.sqlite');
  const { db, recovered, checked } = openDatabase({ file, now: () => 5 });
  expect(recovered?.reason).toMatch(/^integrity check failed: .*page \d+/s);
  expect(checked).toBe(true);
  db.close();
});

// Bench figure 13: the check reads the whole file (156-221 ms for a 50,000-message cache) and held the
// main thread before the first channel could be listed.
it('opens a file damaged deep inside at once when the check comes later, and the check finds the damage', () => {
  const file = damagedFile('e.sqlite');
  const { db, recovered, checked } = openDatabase({ file, check: 'later' });
  expect(recovered).toBeUndefined();
  expect(checked).toBe(false);
  // What the app reads at start is there: the cache answers while the check runs.
  expect(db.prepare('SELECT name, draft FROM channels').all()).toEqual([
    { name: 'general', draft: 'half a thought' },
  ]);
  expect(quickCheck(db)).toMatch(/^integrity check failed: .*page \d+/s);
  db.close();
});

it('runs the later check on the worker’s own connection: damage found, a sound file passes', async () => {
  const damaged = LocalStore.open({ file: damagedFile('f.sqlite'), selfId: 'me', check: 'later' });
  const sound = LocalStore.open({ file: join(dir, 'g.sqlite'), selfId: 'me' });
  sound.close();
  const reopened = LocalStore.open({ file: join(dir, 'g.sqlite'), selfId: 'me', check: 'later' });
  const workers = [damaged, reopened].map((store) => store.checkpointInBackground(() => {}));
  try {
    expect(damaged.checkedAtOpen).toBe(false);
    expect(await damaged.check(workers[0]!)).toMatch(/^integrity check failed: .*page \d+/s);
    expect(await reopened.check(workers[1]!)).toBeNull();
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    damaged.close();
    reopened.close();
  }
});

// A verdict sets the file (and its outbox) aside: only an answer about the file's pages is one. An error
// of the checking connection (a lock, I/O, a full disk, memory, an interrupt) leaves it to the check
// on the main thread.
it('takes only damage for a verdict: a sound answer, a finding, SQLITE_CORRUPT* and SQLITE_NOTADB', () => {
  expect(checkVerdict({ result: 'ok' })).toBeNull();
  const finding = '*** in database main ***\nPage 7: btreeInitPage() returns error code 11';
  expect(checkVerdict({ result: finding })).toBe(`integrity check failed: ${finding}`);
  const damage = [
    'SQLITE_CORRUPT',
    'SQLITE_CORRUPT_INDEX',
    'SQLITE_CORRUPT_SEQUENCE',
    'SQLITE_CORRUPT_VTAB',
    'SQLITE_NOTADB',
  ];
  for (const code of damage)
    expect(checkVerdict({ result: 'database disk image is malformed', code })).toBe(
      'integrity check failed: database disk image is malformed',
    );
  for (const code of [
    'SQLITE_BUSY',
    'SQLITE_BUSY_RECOVERY',
    'SQLITE_BUSY_SNAPSHOT',
    'SQLITE_LOCKED',
    'SQLITE_IOERR',
    'SQLITE_IOERR_READ',
    'SQLITE_IOERR_SHORT_READ',
    'SQLITE_NOMEM',
    'SQLITE_FULL',
    'SQLITE_INTERRUPT',
    'SQLITE_CANTOPEN',
  ])
    expect(checkVerdict({ result: 'something went wrong', code })).toBeUndefined();
});

it('a new file has nothing to check', () => {
  const { db, checked } = openDatabase({ file: join(dir, 'new.sqlite'), check: 'later' });
  expect(checked).toBe(true);
  db.close();
});

it('sets a file that failed its later check aside, starts clean and keeps its channel list', () => {
  const file = damagedFile('h.sqlite');
  openDatabase({ file, check: 'later' }).db.close();
  const { db, recovered, checked } = openDatabase({
    file,
    setAside: 'integrity check failed: x',
    now: () => 9,
  });
  expect(recovered).toEqual({ movedTo: `${file}.corrupt-9`, reason: 'integrity check failed: x' });
  expect(existsSync(`${file}.corrupt-9`)).toBe(true);
  expect(checked).toBe(true);
  expect(db.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 0 });
  // Names and drafts kept; the cursor unset, so the first catch-up fetches the newest page.
  expect(db.prepare('SELECT name, draft, cursor FROM channels').all()).toEqual([
    { name: 'general', draft: 'half a thought', cursor: null },
  ]);
  expect(quickCheck(db)).toBeNull();
  db.close();
});

it('keeps the database, its WAL and its folder readable by their owner alone (0600, 0700)', () => {
  const file = join(dir, 'profile', 'relay-u.sqlite');
  const { db } = openDatabase({ file });
  db.prepare('CREATE TABLE t (x)').run(); // writes the WAL
  expect(statSync(join(dir, 'profile')).mode & 0o777).toBe(0o700);
  for (const path of [file, `${file}-wal`, `${file}-shm`])
    expect(statSync(path).mode & 0o777, path).toBe(0o600);
  db.close();

  // A file an older version left readable by everyone is narrowed when opened.
  const old = join(dir, 'old.sqlite');
  openDatabase({ file: old }).db.close();
  chmodSync(old, 0o644);
  openDatabase({ file: old }).db.close();
  expect(statSync(old).mode & 0o777).toBe(0o600);
});

it('keeps on the operation queue only the indexes its reads use (each one is written by every send and ack)', () => {
  const { db } = openDatabase({ file: join(dir, 'c.sqlite') });
  const indexes = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'operations' ORDER BY name")
    .pluck()
    .all();
  // Migration 011 dropped operations_by_queued_at: the retry-window check reads the queue without it.
  // Migration 016: op_id is indexed for changes and uploads only; a send is found through its message.
  expect(indexes).toEqual(['operations_by_message', 'operations_by_op_id', 'operations_in_order']);
  db.close();
});

/** SQLite's temporary files still open in this process (they are unlinked at once, named `etilqs_…`). */
function openTempFiles(): string[] {
  return readdirSync('/proc/self/fd')
    .map((fd) => {
      try {
        return readlinkSync(join('/proc/self/fd', fd));
      } catch {
        return '';
      }
    })
    .filter((target) => target.includes('etilqs_'));
}

// Bench figure 6 (BENCHMARKS.md, "outbox7"): a statement that fires a trigger inside a longer transaction
// (every ack batch's DELETE of its sends) keeps a statement journal of the pages it rewrites; past 64 KiB
// SQLite spilled it to a file in /var/tmp, a write() per page, which cost the replay more than the WAL.
it.runIf(process.platform === 'linux')(
  'keeps statement journals in memory, never in a temporary file',
  () => {
    const { db } = openDatabase({ file: join(dir, 'journal.sqlite') });
    db.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
           CREATE TABLE log (n INTEGER NOT NULL);
           CREATE TRIGGER t_gone AFTER DELETE ON t BEGIN INSERT INTO log (n) VALUES (old.id); END;`);
    const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 400; i++) insert.run('x'.repeat(500));
    })();
    let during: string[] = [];
    db.transaction(() => {
      // Pages already written in this transaction, then one statement with a trigger that rewrites them all.
      db.prepare("UPDATE t SET body = body || 'y'").run();
      db.prepare('DELETE FROM t WHERE id % 2 = 0').run();
      during = openTempFiles();
    })();
    expect(db.prepare('SELECT count(*) AS n FROM log').get()).toEqual({ n: 200 });
    expect(during).toEqual([]);
    db.close();
  },
);
