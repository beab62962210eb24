/**
 * Migration 015 and the catch-up's store writes (stop 23) against what they replaced, on real SQLite files. Migration 015 on a
 * database made by 014, `readAhead`'s two index counts against the row-by-row count they replaced (own
 * messages with and without a seq, deleted ones, another channel, a channel not held, a read position
 * below the server's), and the raw insert read back by rowid when the insert conflicts.
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import type { Message } from '../../src-shared/protocol';
import * as messages from '../../src-shared/testing/messages';
import { LocalStore } from './store';
import { bob, databaseMadeBy, me, storeFolderEachTest, testChannel } from './testing/store-fixture';

const channel = testChannel();
const other = testChannel();
const folder = storeFolderEachTest('relay-migration-015-', { channels: [channel, other] });

/** The count readAhead made before catch23 (8de9903), row by row. */
const OLD_READ_AHEAD = `
  SELECT count(*) AS n, (SELECT max(read_seq, ?) FROM channels WHERE id = ?) AS readSeq FROM messages
  WHERE channel_id = ? AND own = 0 AND seq > ?
    AND seq <= (SELECT max(read_seq, ?) FROM channels WHERE id = ?)`;

function oldReadAhead(db: Database.Database, channelId: string, after: number) {
  const { n, readSeq } = db
    .prepare(OLD_READ_AHEAD)
    .get(after, channelId, channelId, after, after, channelId) as { n: number; readSeq: number | null };
  return { after, readSeq: readSeq ?? after, n };
}

it('migration 015 on a database made by 014: the same read-ahead counts as the row-by-row count', () => {
  const db = databaseMadeBy(folder.file, 14);
  const addChannel = db.prepare(`
    INSERT INTO channels (id, name, members_json, position, last_seq, server_seq, server_unread, read_seq, cursor,
                          change_cursor)
    VALUES (?, ?, ?, ?, 400, 400, 0, ?, 400, 0)`);
  addChannel.run(channel.id, 'general', JSON.stringify([me, bob]), 0, 250);
  addChannel.run(other.id, 'random', JSON.stringify([me, bob]), 1, 390);
  const insert = db.prepare(`
    INSERT INTO messages (key, id, client_message_id, channel_id, author_id, author_name, content, created_at,
                          seq, own, status, deleted)
    VALUES (@key, @id, @cmid, @channelId, @author, 'x', 'hi', '2026-01-01T00:00:00.000Z', @seq, @own, @status,
            @deleted)`);
  // A fixed pseudo-random mix: ours sent, ours from another device, ours queued (no seq), others', deleted.
  let state = 7;
  const rand = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  for (const channelId of [channel.id, other.id])
    for (let seq = 1; seq <= 400; seq++) {
      if (rand() < 0.1) continue; // a gap: not held here
      const own = rand() < 0.3;
      const id = randomUUID();
      const cmid = own && rand() < 0.7 ? randomUUID() : null;
      insert.run({
        key: cmid ?? id,
        id,
        cmid,
        channelId,
        author: own ? me.id : bob.id,
        seq,
        own: own ? 1 : 0,
        status: own ? 'SENT' : null,
        deleted: rand() < 0.1 ? 1 : 0,
      });
    }
  for (let i = 0; i < 20; i++) {
    const cmid = randomUUID();
    insert.run({
      key: cmid,
      id: null,
      cmid,
      channelId: channel.id,
      author: me.id,
      seq: null,
      own: 1,
      status: 'SENDING',
      deleted: 0,
    });
  }
  const notHeld = randomUUID();
  const cases: [string, number][] = [];
  for (const channelId of [channel.id, other.id, notHeld])
    for (const after of [0, 1, 17, 100, 249, 250, 251, 389, 390, 391, 400, 1_000])
      cases.push([channelId, after]);
  const before = cases.map(([c, a]) => oldReadAhead(db, c, a));
  db.close();

  const store = LocalStore.open({ file: folder.file, selfId: me.id });
  try {
    expect(
      cases.map(([c, a]) => {
        const { after, readSeq, n } = store.readAhead(c, a);
        return { after, readSeq, n };
      }),
    ).toEqual(before);
    // Not all zeros: the mix exercises the count.
    expect(before.filter((r) => r.n > 0).length).toBeGreaterThan(5);
    const after = new Database(folder.file, { readonly: true });
    try {
      expect(after.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(15);
      expect(after.pragma('integrity_check', { simple: true })).toBe('ok');
      // Each own message with a seq has its entry, and nothing else does.
      const indexed = after
        .prepare(
          'SELECT count(*) AS n FROM messages INDEXED BY messages_own_by_seq WHERE own = 1 AND seq > -1',
        )
        .get() as { n: number };
      const own = after
        .prepare('SELECT count(*) AS n FROM messages WHERE own = 1 AND seq IS NOT NULL')
        .get() as {
        n: number;
      };
      expect(indexed.n).toBe(own.n);
      // And the same after it, with the old count on the migrated file.
      expect(cases.map(([c, a]) => oldReadAhead(after, c, a))).toEqual(before);
    } finally {
      after.close();
    }
  } finally {
    store.close();
  }
});

function bobs(seq: number, over: Partial<Message> = {}): Message {
  const at = new Date(1_700_000_000_000 + seq * 1000).toISOString();
  return messages.serverMessage({ channelId: channel.id, user: bob, at, seq, ...over });
}

it("an others' message held already, stored again right after another's insert: its own row, not the last inserted", () => {
  const store = folder.open();
  const a = bobs(1);
  store.upsertServerMessage(a);
  // The connection's last insert is now b's row: a's repeat conflicts and inserts nothing.
  const b = bobs(2);
  expect(store.upsertServerMessage(b)).toMatchObject({ inserted: true, row: { id: b.id, seq: 2 } });
  const again = store.upsertServerMessage({
    ...a,
    content: 'edited',
    editedAt: new Date().toISOString(),
    changeSeq: 9,
  });
  expect(again).toMatchObject({
    inserted: false,
    changed: true,
    row: { id: a.id, seq: 1, content: 'edited' },
  });
  // A repeat with nothing new: not inserted, nothing changed, still a's row.
  expect(store.upsertServerMessage(b)).toMatchObject({ inserted: false, changed: false, row: { id: b.id } });
  expect(store.messageById(b.id)).toMatchObject({ content: b.content, seq: 2 });
});

it("an others' message stored by position: each of the 18 values in its column", () => {
  const store = folder.open();
  const parent = bobs(1);
  store.upsertServerMessage(parent);
  const m = bobs(2, {
    parentId: parent.id,
    content: 'with everything',
    editedAt: '2026-01-02T00:00:00.000Z',
    mentions: [me.id] as never,
    reactions: [{ emoji: '👍', userIds: [me.id] }] as never,
    changeSeq: 12,
    files: [{ id: randomUUID(), name: 'a.txt', size: 3, mimeType: 'text/plain' }] as never,
  });
  store.upsertServerMessage(m);
  const db = new Database(folder.file, { readonly: true });
  try {
    const row = db.prepare('SELECT * FROM messages WHERE id = ?').get(m.id) as Record<string, unknown>;
    expect(row).toMatchObject({
      key: m.id,
      id: m.id,
      client_message_id: null,
      channel_id: channel.id,
      parent_id: parent.id,
      author_id: bob.id,
      author_name: bob.name,
      content: 'with everything',
      created_at: m.createdAt,
      seq: 2,
      own: 0,
      status: null,
      edited_at: '2026-01-02T00:00:00.000Z',
      deleted: 0,
      mentions_json: JSON.stringify(m.mentions),
      reactions_json: JSON.stringify(m.reactions),
      change_seq: 12,
      files_json: JSON.stringify(m.files),
    });
  } finally {
    db.close();
  }
});
