import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MessageChange } from '../changes';
import { seedDemo } from '../demo';
import type { NewMessage } from '../types';
import { SqliteSearchIndex } from './search-index';
import { DATABASE_FILE, openDatabase } from './sqlite-database';
import { SqliteStore } from './sqlite-store';
import { SqliteWrites, type WriteOp } from './writes';

/**
 * The writer thread's own classes on a real database file, driven step by step: what the ack's commit
 * holds, and what the index holds between that commit and the index's own transaction.
 */
let dir: string;
let db: Database.Database;
let search: SqliteSearchIndex;
let writes: SqliteWrites;
let alice: string;
let general: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relay-search-'));
  const store = await SqliteStore.open(dir);
  await seedDemo(store);
  alice = (await store.findUserByUsername('alice'))!.id;
  general = (await store.ensureChannel('general')).id;
  await store.close();
  db = openDatabase(join(dir, DATABASE_FILE), 'full');
  search = new SqliteSearchIndex(db, 'full');
  writes = new SqliteWrites(db, search);
});
afterEach(async () => {
  if (db.open) db.close();
  await rm(dir, { recursive: true, force: true });
});

const message = (content: string): NewMessage => ({
  id: randomUUID(),
  channelId: general,
  userId: alice,
  content,
  createdAt: new Date().toISOString(),
});
const insert = (m: NewMessage): WriteOp => ({ kind: 'insertMessage', message: m });
const change = (m: NewMessage, c: MessageChange): WriteOp => ({
  kind: 'changeMessage',
  request: {
    opId: randomUUID(),
    userId: alice,
    messageId: m.id,
    moderator: false,
    change: c,
    at: m.createdAt,
  },
});
const commit = (...ops: WriteOp[]) => {
  const outcomes = writes.commit(ops);
  expect(outcomes.every((o) => o.ok)).toBe(true);
};
/** The index alone (what FTS5 matches), whatever the messages table says. */
const indexed = (word: string) =>
  db.prepare('SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?').pluck().all(word).length;
const upTo = () => db.prepare('SELECT up_to_rowid FROM search_indexed').pluck().get();
const maxRowid = () => db.prepare('SELECT MAX(rowid) FROM messages').pluck().get();
/** Closes this connection, then searches through the store opened again (its writer starts anew). */
async function searchReopened(q: string): Promise<string[]> {
  db.close();
  const store = await SqliteStore.open(dir);
  try {
    return (await store.searchMessages(alice, { q, limit: 10 })).messages.map((m) => m.content);
  } finally {
    await store.close();
  }
}
/** FTS5's own check: the index holds exactly the text of the rows it names (throws otherwise). */
const checkIndex = () =>
  db.exec("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)");

describe('the search index after the ack', () => {
  it('is not in the ack’s commit; the next update indexes the batch and moves the high-water row', () => {
    commit(insert(message('quarterly numbers')), insert(message('quarterly plans')));
    expect(indexed('quarterly')).toBe(0);
    expect(upTo()).toBeLessThan(maxRowid() as number);
    search.update();
    expect(indexed('quarterly')).toBe(2);
    expect(upTo()).toBe(maxRowid());
    search.update(); // up to date: nothing indexed twice
    expect(indexed('quarterly')).toBe(2);
    checkIndex();
  });

  it('after a crash between the two transactions, the store indexes the gap when it opens', async () => {
    commit(insert(message('quarterly numbers')));
    // As if the process died before the index's own transaction.
    expect(await searchReopened('quarterly')).toEqual(['quarterly numbers']);
  });

  it('indexes a message before an edit or a deletion reaches it, even in the same batch', () => {
    const edited = message('draft wording');
    const deleted = message('secret password');
    const both = message('typo hunter');
    commit(insert(edited), insert(deleted));
    // Not indexed yet: each change brings the index up to date first, in its own commit.
    commit(
      change(edited, { kind: 'edit', content: 'final wording', mentions: [] }),
      change(deleted, { kind: 'delete' }),
      insert(both),
      change(both, { kind: 'delete' }),
    );
    checkIndex();
    expect(indexed('draft')).toBe(0);
    expect(indexed('final')).toBe(1);
    expect(indexed('secret')).toBe(0);
    expect(indexed('hunter')).toBe(0);
    search.update();
    checkIndex();
    expect(indexed('secret') + indexed('hunter') + indexed('draft')).toBe(0);
  });

  it('never finds a message deleted before its index caught up, through the store either', async () => {
    const gone = message('secret password');
    commit(insert(gone), change(gone, { kind: 'delete' }), insert(message('secret santa')));
    expect(await searchReopened('secret')).toEqual(['secret santa']);
  });
});

describe('SqliteStore search, read-your-writes', () => {
  it('finds a message in a search made right after its ack', async () => {
    db.close();
    const store = await SqliteStore.open(dir);
    try {
      for (const word of ['alpha', 'bravo', 'charlie']) {
        await store.insertMessage(message(word));
        const page = await store.searchMessages(alice, { q: word, limit: 10 });
        expect(page.messages.map((m) => m.content)).toEqual([word]);
      }
    } finally {
      await store.close();
    }
  });
});
