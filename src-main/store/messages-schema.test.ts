/**
 * Migration 013 (bench figures 2, 6, 13): the messages table without a B-tree for its key. What each hot
 * write touches, that every statement on messages still finds its rows on an index, and that a 012
 * database with every kind of row comes across with all of it.
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Message } from '../../src-shared/protocol';
import * as messages from '../../src-shared/testing/messages';
import { migrations } from './migrations';
import { LocalStore, UNREAD_OF_C } from './store';
import {
  ackOwn,
  bob,
  databaseMadeBy,
  expectIndexMatchesMessages,
  me,
  queueOwn,
  storeFolderEachTest,
  testChannel,
} from './testing/store-fixture';
import { walWrites } from './testing/wal-frames';

const channel = testChannel();
const folder = storeFolderEachTest('relay-schema-', { channels: [channel] });

function serverMessage(over: Partial<Message> & { seq: number }): Message {
  return messages.serverMessage({ channelId: channel.id, user: bob, ...over });
}

const ack = (store: LocalStore, clientMessageId: string, seq: number, messageId?: string) =>
  ackOwn(store, channel.id, clientMessageId, seq, messageId);

/** The B-trees a step's commit wrote, the file's header page left out (it changes as the file grows). */
function treesWritten(step: () => void): string[] {
  const { byTree } = walWrites(folder.file, step);
  return [...byTree.keys()].filter((t) => t !== '(page 1)').sort();
}

describe('what a message write touches', () => {
  let store: LocalStore;
  beforeEach(() => {
    store = folder.open();
    // Some history first, so each index is more than its root page.
    store.transaction(() => {
      for (let seq = 1; seq <= 300; seq++) store.upsertServerMessage(serverMessage({ seq }));
    });
  });

  it('a send: its row, its clientMessageId, its operation; no key, id or op id entry (figure 6)', () => {
    // Migration 016: the operation is found through its message (send_ord), not by an op_id index of its own.
    expect(treesWritten(() => queueOwn(store, { channelId: channel.id, content: 'hi' }))).toEqual([
      'messages',
      'messages_by_client_id',
      'operations',
      'operations_in_order',
    ]);
  });

  it('an ack: the row gets its id and seq (and its entry among our own), its operation goes (figure 6)', () => {
    // The channel's first ack made its device_sequences row (migration 012); this is a later one.
    ack(store, queueOwn(store, { channelId: channel.id, content: 'first' }), 301);
    const cmid = queueOwn(store, { channelId: channel.id, content: 'hi' });
    expect(treesWritten(() => ack(store, cmid, 302))).toEqual([
      'channels',
      'device_sequences',
      'messages',
      'messages_by_id',
      'messages_by_seq',
      // Ours with its seq now: the one write migration 015 adds to a message's path.
      'messages_own_by_seq',
      'operations',
      'operations_in_order',
    ]);
  });

  it("others' message: its row, its id and its place in the channel, nothing by key (figures 2, 13)", () => {
    expect(treesWritten(() => store.upsertServerMessage(serverMessage({ seq: 301 })))).toEqual([
      'channels',
      'messages',
      'messages_by_id',
      'messages_by_seq',
    ]);
  });
});

/** The parameters of a statement, each NULL: enough for EXPLAIN QUERY PLAN. */
function nulls(sql: string): unknown[] {
  const named = [...sql.matchAll(/@(\w+)/g)].map((m) => m[1] as string);
  const anonymous = (sql.replace(/'[^']*'/g, '').match(/\?/g) ?? []).length;
  const params: unknown[] = Array.from({ length: anonymous }, () => null);
  if (named.length > 0) params.push(Object.fromEntries(named.map((n) => [n, null])));
  return params;
}

/**
 * Statements allowed to read all of messages: each reads the whole table (or the whole of a channel)
 * by what it is for, and none is on a message's write path.
 */
const SCANS_ALLOWED = [
  // allInChannel: tests and diagnostics.
  'ORDER BY seq IS NULL, seq, rowid',
  // the search index's catch-up reads messages above its high-water rowid, in rowid order.
  'FROM messages WHERE rowid > ?',
  // maxChangeSeq: once per channel of a cache written whole (the bench's seed).
  'coalesce(max(change_seq), 0)',
];

it('finds its rows on an index in every statement on messages the store runs', () => {
  const store = folder.open();
  // A workload through every message path: sends, acks, arrivals, replies, receipts, changes, pages, search.
  const root = serverMessage({ seq: 1 });
  store.upsertServerMessage(root);
  const reply = serverMessage({ seq: 2, parentId: root.id });
  store.upsertServerMessage(reply);
  store.markReplyUnread(reply.id);
  const cmid = queueOwn(store, { channelId: channel.id, content: 'mine' });
  const id = randomUUID();
  store.applyReceipt({ messageId: id, channelId: channel.id, userId: bob.id, status: 'READ', at: 'x' });
  ack(store, cmid, 3, id);
  store.upsertServerMessage({ ...serverMessage({ seq: 3 }), id, userId: me.id, clientMessageId: cmid });
  const failed = queueOwn(store, { channelId: channel.id, content: 'fails' });
  store.markFailed(failed, 'X', 'x');
  store.retry(Date.now(), failed);
  store.markFailed(failed, 'X', 'x');
  store.discard(failed);
  store.changes.queue({
    opId: randomUUID(),
    kind: 'edit',
    messageKey: cmid,
    channelId: channel.id,
    content: 'mine, edited',
    queuedAt: 1,
  });
  for (const op of store.changes.of(cmid)) store.changes.completed(op, 5, 'x');
  store.applyChangePage([{ ...root, content: 'changed', changeSeq: 9 }]);
  store.pageBefore(channel.id, undefined, 10);
  store.pageAround(channel.id, root.id, 10);
  store.thread(root.id);
  store.readThread(root.id);
  store.inThread(root.id);
  store.markReadUpTo(channel.id, 3);
  store.unreadCount(channel.id);
  store.totalUnread();
  store.unreadMentions(channel.id);
  store.messageByKey(cmid);
  store.replyCount(root.id);
  store.setCursor(channel.id, 1);
  store.advanceCursor(channel.id);
  store.heldBetween(channel.id, 1, 3);
  store.maxHeldSeq(channel.id);
  store.oldestUnreadOwnSeq(channel.id, 100);
  store.saveChannels([channel]);
  store.search('mine', { limit: 10 });
  store.close();

  const statements = [...(store as unknown as { statements: Map<string, unknown> }).statements.keys()];
  const db = new Database(folder.file, { readonly: true });
  try {
    const onMessages = statements.filter((sql) => /\b(FROM|UPDATE|INTO|JOIN) messages\b/.test(sql));
    // The workload reached the store's message statements (a guard against a workload that tests nothing).
    expect(onMessages.length).toBeGreaterThan(30);
    for (const sql of onMessages) {
      if (SCANS_ALLOWED.some((s) => sql.includes(s))) continue;
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...nulls(sql)) as { detail: string }[])
        .map((p) => p.detail)
        .join('; ');
      // Aliases of messages in the store's SQL: m, r, p, o. `SCAN c` is the channels table.
      if (process.env.SHOW_PLANS) console.log(`${plan}\n  ${sql.replace(/\s+/g, ' ')}`);
      expect(plan, sql).not.toMatch(/\bSCAN (messages|m|r|p|o)\b/);
    }
  } finally {
    db.close();
  }
});

it('finds an operation by its id on an index in every statement the store runs, a send through its message', () => {
  const store = folder.open();
  // Migration 016: op_id is indexed for changes and uploads only (partial), a send found by its message's send_ord.
  const cmid = queueOwn(store, { channelId: channel.id, content: 'mine' });
  store.scheduleRetry(cmid, 1);
  store.dueNow(cmid, 1);
  store.markFailed(cmid, 'X', 'x');
  store.retry(Date.now(), cmid);
  const edit = randomUUID();
  store.changes.queue({
    opId: edit,
    kind: 'edit',
    messageKey: cmid,
    channelId: channel.id,
    content: 'e',
    queuedAt: 1,
  });
  store.outboxRow(edit);
  store.scheduleRetry(edit, 1);
  store.changes.refused(edit);
  const failed = queueOwn(store, { channelId: channel.id, content: 'fails' });
  store.markFailed(failed, 'X', 'x');
  store.discard(failed);
  ack(store, cmid, 1);
  store.close();

  const statements = [...(store as unknown as { statements: Map<string, unknown> }).statements.keys()];
  const db = new Database(folder.file, { readonly: true });
  try {
    const byId = statements.filter(
      (sql) => /\b(FROM|UPDATE) operations\b/.test(sql) && /\b(op_id|ord|message_key) = |send_ord/.test(sql),
    );
    expect(byId.length).toBeGreaterThan(8);
    for (const sql of byId) {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...nulls(sql)) as { detail: string }[])
        .map((p) => p.detail)
        .join('; ');
      expect(plan, sql).not.toMatch(/\bSCAN operations\b/);
      // Every failed row is not an index on one operation (a retry on a large failed outbox).
      expect.soft(plan, sql).not.toMatch(/operations_in_order \(state=\?\)/);
    }
  } finally {
    db.close();
  }
});

describe('migration 013 on a database made by 012', () => {
  // 013's columns: the later migrations' own tests say what they add (014: migration-014.test.ts).
  const TABLES = {
    messages: `SELECT rowid, key, id, client_message_id, channel_id, parent_id, author_id, author_name, content,
      created_at, seq, own, status, failure_code, failure_message, reply_unread, files_json, edited_at, deleted,
      mentions_json, reactions_json, change_seq FROM messages ORDER BY rowid`,
    operations: 'SELECT * FROM operations ORDER BY ord',
    receipts: 'SELECT * FROM receipts ORDER BY message_id, user_id',
    receipt_outbox: 'SELECT rowid, * FROM receipt_outbox ORDER BY rowid',
    channels: 'SELECT * FROM channels ORDER BY id',
    device_sequences: 'SELECT * FROM device_sequences ORDER BY channel_id',
    meta: 'SELECT * FROM meta ORDER BY key',
    search_pending: 'SELECT * FROM search_pending ORDER BY message_rowid',
    search_progress: 'SELECT * FROM search_progress',
  };
  const snapshot = (db: Database.Database) =>
    Object.fromEntries(Object.entries(TABLES).map(([t, sql]) => [t, db.prepare(sql).all()]));

  it('carries every row and its state: messages, queue order, receipts, unread, search', () => {
    const [a, i1, i2, i3] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const [cmid1, cmid2, cmid3] = [randomUUID(), randomUUID(), randomUUID()];
    const [unsent, failed, withFile] = [randomUUID(), randomUUID(), randomUUID()];
    const others: string[] = Array.from({ length: 5 }, () => randomUUID());
    const db = databaseMadeBy(folder.file, 12);
    db.prepare(`
      INSERT INTO channels (id, name, members_json, position, last_seq, server_seq, server_unread, read_seq, cursor)
      VALUES (?, 'general', ?, 0, 10, 4, 2, 3, 8)`).run(channel.id, JSON.stringify([me, bob]));
    const insert = db.prepare(`
      INSERT INTO messages (rowid, key, id, client_message_id, channel_id, parent_id, author_id, author_name,
        content, created_at, seq, own, status, failure_code, failure_message, reply_unread, files_json,
        edited_at, deleted, mentions_json, reactions_json, change_seq)
      VALUES (@rowid, @key, @id, @cmid, @channel, @parent, @author, @name, @content, '2026-01-01T00:00:00Z',
        @seq, @own, @status, @code, NULL, @replyUnread, @files, @edited, @deleted, @mentions, @reactions, @changeSeq)`);
    const row = (over: Record<string, unknown>): Record<string, unknown> => ({
      channel: channel.id,
      parent: null,
      author: bob.id,
      name: 'bob',
      cmid: null,
      own: 0,
      status: null,
      code: null,
      replyUnread: 0,
      files: null,
      edited: null,
      deleted: 0,
      mentions: '[]',
      reactions: '[]',
      changeSeq: 0,
      ...over,
    });
    const mine = { author: me.id, name: 'alice', own: 1 };
    const rows = [
      row({
        rowid: 1,
        key: a,
        id: a,
        content: 'alpha root',
        seq: 1,
        reactions: '[{"emoji":"👍","userIds":["x"]}]',
      }),
      ...others.map((id, n) =>
        row({
          rowid: n + 2,
          key: id,
          id,
          content: `other ${n}`,
          seq: n + 2,
          mentions: n === 2 ? JSON.stringify([me.id]) : '[]',
          deleted: n === 4 ? 1 : 0,
          edited: n === 3 ? '2026-01-02T00:00:00Z' : null,
          changeSeq: n === 3 || n === 4 ? 4 : 0,
        }),
      ),
      row({ rowid: 7, key: randomUUID(), id: null, content: '', seq: 7, parent: a, replyUnread: 1 }),
      row({
        rowid: 8,
        key: cmid1,
        id: i1,
        cmid: cmid1,
        ...mine,
        content: 'mine acked',
        seq: 8,
        status: 'DELIVERED',
      }),
      row({
        rowid: 9,
        key: i2,
        id: i2,
        cmid: cmid2,
        ...mine,
        content: 'from my phone',
        seq: 9,
        status: 'SENT',
      }),
      row({
        rowid: 10,
        key: cmid3,
        id: i3,
        cmid: cmid3,
        ...mine,
        content: 'my reply',
        seq: 10,
        parent: a,
        status: 'SENT',
      }),
      row({
        rowid: 11,
        key: unsent,
        id: null,
        cmid: unsent,
        ...mine,
        content: 'unsent',
        seq: null,
        status: 'SENDING',
      }),
      row({
        rowid: 12,
        key: failed,
        id: null,
        cmid: failed,
        ...mine,
        content: 'failed',
        seq: null,
        status: 'FAILED',
        code: 'X',
      }),
      row({
        rowid: 13,
        key: withFile,
        id: null,
        cmid: withFile,
        ...mine,
        content: 'file',
        seq: null,
        status: 'SENDING',
        files: '[]',
      }),
    ];
    // The reply at rowid 7 is others' and has a server id.
    (rows[6] as Record<string, unknown>).key = (rows[6] as Record<string, unknown>).id = randomUUID();
    for (const r of rows) insert.run(r);
    const op = db.prepare(`
      INSERT INTO operations (ord, op_id, kind, channel_id, message_key, content, emoji, queued_at, state, device_seq,
                              file_name, files_json)
      VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)`);
    op.run(5, unsent, 'send', channel.id, unsent, 'unsent', null, 'pending', 3, null, '[]');
    op.run(6, randomUUID(), 'react', channel.id, a, null, '🎉', 'pending', 3, null, '[]');
    op.run(7, failed, 'send', channel.id, failed, 'failed', null, 'failed', 4, null, '[]');
    op.run(8, randomUUID(), 'upload', channel.id, withFile, null, null, 'pending', 4, 'f.txt', '[]');
    op.run(9, withFile, 'send', channel.id, withFile, 'file', null, 'pending', 5, null, '[]');
    db.prepare('INSERT INTO device_sequences (channel_id, last_seq) VALUES (?, 2)').run(channel.id);
    db.prepare("INSERT INTO meta (key, value) VALUES ('device_id', 'device-1')").run();
    db.prepare("INSERT INTO receipts (message_id, user_id, status, at) VALUES (?, ?, 'DELIVERED', 't1')").run(
      i1,
      bob.id,
    );
    db.prepare("INSERT INTO receipt_outbox (message_id, channel_id, status) VALUES (?, ?, 'DELIVERED')").run(
      others[3],
      channel.id,
    );
    // The search index took the first 9 rows; then one was edited (its note keeps what the index holds).
    db.prepare(
      'INSERT INTO messages_fts (rowid, content) SELECT rowid, content FROM messages WHERE rowid <= 9',
    ).run();
    db.prepare('UPDATE search_progress SET upto = 9').run();
    db.prepare("UPDATE messages SET content = 'other 0, now beta' WHERE rowid = 2").run();
    const before = snapshot(db);
    const unreadBefore = db
      .prepare(`SELECT ${UNREAD_OF_C} AS n FROM channels c WHERE c.id = ?`)
      .pluck()
      .get(channel.id);
    const orderBefore = db
      .prepare(
        "SELECT op_id FROM operations WHERE state = 'pending' AND channel_id = ? ORDER BY device_seq, ord",
      )
      .pluck()
      .all(channel.id);
    db.close();

    const store = LocalStore.open({ file: folder.file, selfId: me.id });
    try {
      const after = new Database(folder.file, { readonly: true });
      try {
        expect(after.pragma('user_version', { simple: true })).toBe(migrations.length);
        expect(snapshot(after)).toEqual(before);
        expect(after.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(
          after
            .prepare(
              "SELECT name FROM sqlite_schema WHERE tbl_name = 'messages' AND type IN ('index', 'trigger') ORDER BY name",
            )
            .pluck()
            .all(),
        ).toEqual([
          'messages_by_client_id',
          'messages_by_id',
          'messages_by_parent',
          'messages_by_seq',
          'messages_own_by_seq',
          'messages_unread_replies',
          'search_pending_delete',
          'search_pending_update',
        ]);
      } finally {
        after.close();
      }
      // Every message by its key, and by its ids.
      for (const r of rows) {
        const key = r.key as string;
        expect(store.messageByKey(key)?.content, key).toBe(
          r.rowid === 2 ? 'other 0, now beta' : (r.content as string),
        );
        if (r.id) expect(store.messageById(r.id as string)?.key).toBe(key);
      }
      // The phone's message is keyed by its id; its clientMessageId is not a key.
      expect(store.messageByKey(cmid2)).toBeUndefined();
      expect(store.pendingIn(channel.id, 10).map((o) => o.op_id)).toEqual(orderBefore);
      expect(store.receiptsFor(i1).map((r) => [r.user_id, r.status])).toEqual([[bob.id, 'DELIVERED']]);
      expect(store.pendingReceipts(10).map((r) => r.message_id)).toEqual([others[3]]);
      expect(store.unreadCount(channel.id)).toBe(unreadBefore);
      expect(store.unreadCount(channel.id)).toBeGreaterThan(0);
      expect(store.unreadMentions(channel.id)).toBe(1);
      expect(store.pageBefore(channel.id, undefined, 3).rows.map((r) => r.key)).toEqual([
        unsent,
        failed,
        withFile,
      ]);
      expect(store.search('beta', { limit: 10 }).map((r) => r.key)).toEqual([others[0]]);
      // The tombstone's text is not found.
      expect(store.search('other', { limit: 10 })).toHaveLength(4);
      // The external-content index agrees with the rows it was built from, rowid for rowid.
      expectIndexMatchesMessages(folder.file);
      // And it goes on: the unsent is acknowledged, others' messages arrive, a key is still one of its ids.
      expect(ack(store, unsent, 11)?.row).toMatchObject({ key: unsent, seq: 11, status: 'SENT' });
      const arriving = serverMessage({ seq: 12 });
      expect(store.upsertServerMessage(arriving).inserted).toBe(true);
      expect(store.upsertServerMessage(arriving).inserted).toBe(false);
      expect(store.messageByKey(arriving.id)?.seq).toBe(12);
    } finally {
      store.close();
    }
  });

  it("refuses a key that is neither the message's clientMessageId nor its id", () => {
    const store = folder.open();
    store.close();
    const db = new Database(folder.file);
    try {
      expect(() =>
        db
          .prepare(`
            INSERT INTO messages (key, id, channel_id, author_id, author_name, content, created_at, own)
            VALUES ('k', 'not-k', ?, 'u', 'n', 'c', 't', 0)`)
          .run(channel.id),
      ).toThrow(/CHECK constraint failed/);
    } finally {
      db.close();
    }
  });
});
