/** A corrupt or unreadable database file is moved aside and a clean one started: never a crash loop. */
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openDatabase } from './database';
import { migrations } from './migrations';

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
  expect(indexes).toEqual(['operations_by_message', 'operations_in_order', 'sqlite_autoindex_operations_1']);
  db.close();
});
