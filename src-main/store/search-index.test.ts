/**
 * The local search index off the write path (migration 010): writes only note what to index, and the
 * index catches up in batches; a search still finds what was sent or edited a moment ago and never a
 * deleted text, on real SQLite files, across a kill -9 mid-batch and from databases made by 009 and 011.
 * Since migration 012 an insert writes nothing for the index (a high-water rowid marks what is indexed).
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeEach, expect, it } from 'vitest';
import { serverMessage } from '../../src-shared/testing/messages';
import { migrations } from './migrations';
import { LocalStore } from './store';
import {
  bob,
  expectIndexMatchesMessages,
  me,
  queueOwn,
  storeFolderEachTest,
  testChannel,
} from './testing/store-fixture';

const channel = testChannel();
const folder = storeFolderEachTest('relay-search-index-', { channels: [channel] });
let store: LocalStore;

beforeEach(() => {
  store = folder.open();
});

const bobSays = (seq: number, content: string) =>
  serverMessage({ channelId: channel.id, user: bob, seq, content });

const send = (content: string) => queueOwn(store, { channelId: channel.id, content });

const found = (query: string) => store.search(query, { limit: 1_000 }).map((r) => r.content);

/** A database as the app of migration `version` left it, holding `count` of bob's messages (open: close it). */
function madeBy(
  version: number,
  file: string,
  count: number,
  content: (seq: number) => string,
): Database.Database {
  const old = new Database(file);
  old.pragma('journal_mode = WAL');
  for (const [i, sql] of migrations.slice(0, version).entries()) {
    old.exec(sql);
    old.pragma(`user_version = ${i + 1}`);
  }
  const insert = old.prepare(`
      INSERT INTO messages (key, id, channel_id, author_id, author_name, content, created_at, seq, own)
      VALUES (?, ?, ?, ?, 'bob', ?, '2026-01-01T00:00:00Z', ?, 0)`);
  for (let seq = 1; seq <= count; seq++) {
    const id = randomUUID();
    insert.run(id, id, channel.id, bob.id, content(seq), seq);
  }
  return old;
}

it('a send, an edit, a deletion: only noted when written, and a search right after sees each', () => {
  const key = send('deploy the parser tonight');
  const other = bobSays(1, 'lunch at noon');
  store.upsertServerMessage(other);
  // The writes left the index alone: both wait for it.
  expect(store.searchIndexBacklog()).toBe(2);
  expect(found('depl')).toEqual(['deploy the parser tonight']);
  expect(store.searchIndexBacklog()).toBe(0);

  // Two edits before the index catches up: the first indexed text is the one taken out.
  store.transaction(() => {
    store.changes.completed(
      { ...store.outboxRow(key)!, kind: 'edit', content: 'ship the lexer tonight', op_id: randomUUID() },
      1,
      new Date().toISOString(),
    );
  });
  store.upsertServerMessage({ ...other, content: 'lunch at one', editedAt: other.createdAt, changeSeq: 2 });
  store.upsertServerMessage({ ...other, content: 'brunch at two', editedAt: other.createdAt, changeSeq: 3 });
  expect(found('deploy')).toEqual([]);
  expect(found('lexer')).toEqual(['ship the lexer tonight']);
  expect(found('lunch')).toEqual([]);
  expect(found('brunch')).toEqual(['brunch at two']);

  // A tombstone and a hard delete (a discarded send): neither text is found again.
  store.changes.deleted(other.id, 4);
  const failed = send('never sent secret');
  expect(found('secret')).toEqual(['never sent secret']);
  store.markFailed(failed, 'TIMEOUT', 'x');
  store.discard(failed);
  expect(found('brunch')).toEqual([]);
  expect(found('secret')).toEqual([]);
  expectIndexMatchesMessages(folder.file);
});

it('catches up in bounded batches, each its own transaction', () => {
  store.transaction(() => {
    for (let seq = 1; seq <= 1_200; seq++) store.upsertServerMessage(bobSays(seq, `note ${seq} gamma`));
  });
  expect(store.indexForSearch(500)).toBe(500);
  expect(store.searchIndexBacklog()).toBe(700);
  expect(store.indexForSearch(500)).toBe(500);
  expect(store.indexForSearch(500)).toBe(200);
  expect(store.indexForSearch(500)).toBe(0);
  expect(store.search('gamma', { limit: 2_000 })).toHaveLength(1_200);
  expectIndexMatchesMessages(folder.file);
});

it('a kill -9 mid-batch loses no note: the index catches up on reopen', () => {
  store.transaction(() => {
    for (let seq = 1; seq <= 300; seq++) store.upsertServerMessage(bobSays(seq, `entry ${seq} delta`));
  });
  expect(found('delta')).toHaveLength(300);
  // Edits noted, then a child process starts indexing them and is killed before its commit.
  store.transaction(() => {
    for (let seq = 1; seq <= 300; seq++)
      store.upsertServerMessage({
        ...bobSays(seq, `entry ${seq} omega`),
        id: store.allInChannel(channel.id)[seq - 1]!.id as string,
        changeSeq: 1,
        editedAt: 'x',
      });
  });
  expect(store.searchIndexBacklog()).toBe(300);
  store.close();
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(__dirname, 'testing', 'index-then-die.ts'), folder.file],
    { encoding: 'utf8' },
  );
  expect(child.signal).toBe('SIGKILL');
  expect(JSON.parse(child.stdout)).toEqual({ taken: 300 });

  store = folder.open();
  expect(store.searchIndexBacklog()).toBe(300);
  expect(found('delta')).toEqual([]);
  expect(found('omega')).toHaveLength(300);
  expectIndexMatchesMessages(folder.file);
});

it('migration 010 on a database made by 009 with messages in it: same results, then deferred', () => {
  store.close();
  const file = join(folder.dir, 'made-by-009.sqlite');
  const old = madeBy(9, file, 50, (seq) => `old ${seq} ${seq % 2 ? 'kappa' : 'lambda'}`);
  // 008's trigger re-indexes an edit made before the upgrade.
  old.prepare("UPDATE messages SET content = 'old 1 sigma' WHERE seq = 1").run();
  old.close();

  store = LocalStore.open({ file, selfId: me.id });
  const schema = new Database(file, { readonly: true });
  const triggers = schema
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'search%' ORDER BY name")
    .pluck()
    .all() as string[];
  // Migration 012 took the insert's note off too (a high-water rowid instead).
  expect(triggers).toEqual(['search_pending_delete', 'search_pending_update']);
  // A send no longer writes message_key's index (its operation is found by op id).
  const byMessage = schema
    .prepare("SELECT sql FROM sqlite_schema WHERE name = 'operations_by_message'")
    .pluck()
    .get();
  schema.close();
  expect(byMessage).toMatch(/WHERE kind != 'send'$/);
  // Nothing to rebuild: the old index answers at once, and after the upgrade writes are deferred.
  expect(store.searchIndexBacklog()).toBe(0);
  expect(found('kappa')).toHaveLength(24);
  expect(found('lambda')).toHaveLength(25);
  expect(found('sigma')).toEqual(['old 1 sigma']);
  const m2 = store.allInChannel(channel.id).find((r) => r.seq === 2)!;
  store.upsertServerMessage({ ...bobSays(2, 'old 2 mu'), id: m2.id as string, changeSeq: 1, editedAt: 'x' });
  expect(store.searchIndexBacklog()).toBe(1);
  expect(found('lambda')).toHaveLength(24);
  expect(found('mu')).toEqual(['old 2 mu']);
  expectIndexMatchesMessages(file);
  store.close();
});

/** The rowid a message is stored under (what the index is keyed by). */
function rowidOf(file: string, key: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT rowid FROM messages WHERE key = ?').pluck().get(key) as number;
  } finally {
    db.close();
  }
}

/** Our queued send's edit, acknowledged: its text changes in messages. */
const edit = (key: string, content: string) =>
  store.transaction(() =>
    store.changes.completed(
      { ...store.outboxRow(key)!, kind: 'edit', content, op_id: randomUUID() },
      1,
      new Date().toISOString(),
    ),
  );

const discardSend = (key: string) => {
  store.markFailed(key, 'TIMEOUT', 'x');
  store.discard(key);
};

it('an insert writes no note; a rowid freed and given again is indexed once, before or after its note is taken', () => {
  const first = send('first words');
  expect(found('first')).toEqual(['first words']);
  const insertsNoted = () => {
    const db = new Database(folder.file, { readonly: true });
    try {
      return db.prepare('SELECT count(*) FROM search_pending').pluck().get();
    } finally {
      db.close();
    }
  };
  const plain = send('plain alpha');
  expect(insertsNoted()).toBe(0);
  expect(store.searchIndexBacklog()).toBe(1);

  // The note of the freed rowid is taken (and the mark lowered) before the rowid is given again.
  const last = send('gone beta');
  expect(found('beta')).toEqual(['gone beta']);
  const freed = rowidOf(folder.file, last);
  discardSend(last);
  expect(found('beta')).toEqual([]);
  const again = send('again gamma');
  expect(rowidOf(folder.file, again)).toBe(freed);
  expect(found('gamma')).toEqual(['again gamma']);
  expect(found('beta')).toEqual([]);
  expectIndexMatchesMessages(folder.file);

  // Given again while the note is still waiting: the batch takes the old text out and indexes the new.
  discardSend(again);
  const third = send('third delta');
  expect(rowidOf(folder.file, third)).toBe(freed);
  expect(found('gamma')).toEqual([]);
  expect(found('delta')).toEqual(['third delta']);
  // Edited, then deleted again, while above the mark: nothing noted, nothing left in the index.
  edit(third, 'third epsilon');
  expect(found('epsilon')).toEqual(['third epsilon']);
  discardSend(third);
  const fourth = send('fourth zeta');
  discardSend(fourth);
  expect(found('epsilon')).toEqual([]);
  expect(found('zeta')).toEqual([]);
  expect(found('words')).toEqual(['first words']);
  expect(store.searchIndexBacklog()).toBe(0);
  expectIndexMatchesMessages(folder.file);

  // Its note left to a later batch while the mark comes down under it, then given again: indexed once.
  const top = send('top eta');
  expect(found('eta')).toEqual(['top eta']);
  const topRowid = rowidOf(folder.file, top);
  edit(first, 'first iota');
  edit(plain, 'plain kappa');
  discardSend(top);
  expect(store.indexForSearch(2)).toBe(2);
  const reused = send('reused theta');
  expect(rowidOf(folder.file, reused)).toBe(topRowid);
  expect(found('theta')).toEqual(['reused theta']);
  expect(found('eta')).toEqual([]);
  expect(found('iota')).toEqual(['first iota']);
  expectIndexMatchesMessages(folder.file);
});

it('migration 012 on a database made by 011 with notes waiting: the mark starts at the top, notes kept', () => {
  store.close();
  const file = join(folder.dir, 'made-by-011.sqlite');
  const old = madeBy(11, file, 30, (seq) => `old ${seq} iota`);
  // 20 indexed, then 10 inserted and one edited while the index waited: 11 notes.
  old
    .prepare(`
      INSERT INTO messages_fts (rowid, content)
      SELECT m.rowid, m.content FROM messages m WHERE m.seq <= 20`)
    .run();
  old
    .prepare('DELETE FROM search_pending WHERE message_rowid IN (SELECT rowid FROM messages WHERE seq <= 20)')
    .run();
  old.prepare("UPDATE messages SET content = 'old 1 kappa' WHERE seq = 1").run();
  old.close();

  store = LocalStore.open({ file, selfId: me.id });
  expect(store.searchIndexBacklog()).toBe(11);
  expect(found('iota')).toHaveLength(29);
  expect(found('kappa')).toEqual(['old 1 kappa']);
  expectIndexMatchesMessages(file);
  store.close();
});
