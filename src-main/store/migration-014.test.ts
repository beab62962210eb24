/**
 * Migration 014 (issue 16) on a real database made by 013: every message keeps every column as it was,
 * and its one changeSeq becomes the sequence of both its text and its reactions, so nothing older than
 * what was held is written afterwards, while a reaction no longer hides a later-arriving older edit.
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import type { Message } from '../../src-shared/protocol';
import * as messages from '../../src-shared/testing/messages';
import { LocalStore } from './store';
import { bob, databaseMadeBy, me, storeFolderEachTest, testChannel } from './testing/store-fixture';

const channel = testChannel();
const folder = storeFolderEachTest('relay-m014-', { channels: [channel] });

it('keeps every message as it was, each part at its one changeSeq, and orders the parts apart from then on', () => {
  const db = databaseMadeBy(folder.file, 13);
  db.prepare(`
    INSERT INTO channels (id, name, members_json, position, last_seq, server_seq, server_unread, read_seq, cursor,
                          change_cursor)
    VALUES (?, 'general', ?, 0, 3, 3, 0, 3, 3, 7)`).run(channel.id, JSON.stringify([me, bob]));
  const insert = db.prepare(`
    INSERT INTO messages (key, id, channel_id, author_id, author_name, content, created_at, seq, own,
                          edited_at, deleted, mentions_json, reactions_json, change_seq)
    VALUES (@id, @id, ?, ?, 'bob', @content, '2026-01-01T00:00:00.000Z', @seq, 0, @edited, @deleted, '[]',
            @reactions, @changeSeq)`);
  const thumbs = '[{"emoji":"👍","userIds":["x"]}]';
  const [reacted, edited, gone] = [randomUUID(), randomUUID(), randomUUID()];
  const rows = [
    { id: reacted, content: 'hello', seq: 1, edited: null, deleted: 0, reactions: thumbs, changeSeq: 5 },
    {
      id: edited,
      content: 'fixed',
      seq: 2,
      edited: '2026-01-02T00:00:00.000Z',
      deleted: 0,
      reactions: '[]',
      changeSeq: 6,
    },
    { id: gone, content: '', seq: 3, edited: null, deleted: 1, reactions: '[]', changeSeq: 7 },
  ];
  for (const r of rows) insert.run(r, channel.id, bob.id);
  const before = db.prepare('SELECT rowid, * FROM messages ORDER BY rowid').all() as Record<
    string,
    unknown
  >[];
  db.close();

  const store = LocalStore.open({ file: folder.file, selfId: me.id });
  try {
    const after = new Database(folder.file, { readonly: true });
    try {
      // Opened at the newest version: 014 and every migration after it ran.
      expect(after.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(14);
      expect(after.prepare('SELECT rowid, * FROM messages ORDER BY rowid').all()).toEqual(
        // send_ord: 016's (these messages have no queued send).
        before.map((r) => ({ ...r, content_seq: null, reactions_seq: null, send_ord: null })),
      );
      expect(after.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      after.close();
    }
    expect(store.changes.cursor(channel.id)).toBe(7);
    expect(store.maxChangeSeq(channel.id)).toBe(7);
    const server = (id: string, seq: number, over: Partial<Message>): Message => ({
      ...messages.serverMessage({
        id,
        channelId: channel.id,
        user: bob,
        seq,
        at: '2026-01-01T00:00:00.000Z',
      }),
      ...over,
    });
    // Older than what was held: neither part goes back.
    expect(store.changes.reactions(reacted, [], 4)).toBeUndefined();
    expect(store.upsertServerMessage(server(edited, 2, { content: 'typo', changeSeq: 5 })).changed).toBe(
      false,
    );
    expect(store.messageById(edited)?.content).toBe('fixed');
    expect(store.upsertServerMessage(server(gone, 3, { content: 'back', changeSeq: 6 })).changed).toBe(false);
    expect(store.messageById(gone)).toMatchObject({ deleted: 1, content: '' });
    // A reaction at 9, then an edit made at 8 (a page answered before the reaction): both kept.
    store.changes.reactions(reacted, [], 9);
    const page = server(reacted, 1, {
      content: 'hello, edited',
      editedAt: '2026-01-03T00:00:00.000Z',
      reactions: JSON.parse(thumbs),
      changeSeq: 8,
    });
    expect(store.transaction(() => store.applyChangePage([page]))).toHaveLength(1);
    expect(store.messageById(reacted)).toMatchObject({
      content: 'hello, edited',
      reactions_json: '[]',
      change_seq: 9,
      content_seq: 8,
      reactions_seq: 9,
    });
  } finally {
    store.close();
  }
});
